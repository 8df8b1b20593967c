// Web Worker running the WebAssembly detector (wasm-detector, built by deploy/lib/detector.sh)
// off the page's main thread, so answering never freezes while a frame is analysed.
/* global wasm_bindgen */
"use strict";

var detector = null;

function fetchBytes(url) {
  // The browser's HTTP cache keeps the models: they are downloaded once per version.
  return fetch(url, { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) throw new Error(url + ": HTTP " + r.status);
    return r.arrayBuffer();
  }).then(function (b) { return new Uint8Array(b); });
}

function init(msg) {
  var started = Date.now();
  importScripts(msg.base + "wasm_detector.js");
  var none = Promise.resolve(new Uint8Array(0));
  return Promise.all([
    wasm_bindgen({ module_or_path: msg.base + "wasm_detector_bg.wasm" }),
    fetchBytes(msg.base + msg.faceModel),
    msg.wideModel ? fetchBytes(msg.base + msg.wideModel) : none,
    msg.objectModel ? fetchBytes(msg.base + msg.objectModel) : none
  ]).then(function (parts) {
    detector = new wasm_bindgen.BrowserDetector(msg.faceKind, parts[1], parts[2], msg.wideSide, msg.objectKind, parts[3],
      msg.faceScore, msg.objectScore);
    return { type: "ready", loadMs: Date.now() - started, objects: detector.hasObjects(), wide: detector.hasWideFaces() };
  });
}

self.onmessage = function (event) {
  var msg = event.data;
  if (msg.type === "init") {
    var reply;
    try {
      reply = init(msg);
    } catch (err) {
      reply = Promise.reject(err);
    }
    reply.then(function (r) { self.postMessage(r); }, function (err) {
      self.postMessage({ type: "unavailable", error: String((err && err.message) || err) });
    });
  } else if (msg.type === "detect") {
    try {
      var result = JSON.parse(detector.detect(msg.image, !!msg.wide, !!msg.objects));
      self.postMessage({ type: "result", id: msg.id, result: result });
    } catch (err) {
      self.postMessage({ type: "error", id: msg.id, error: String((err && err.message) || err) });
    }
  }
};
