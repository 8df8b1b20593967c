//! Decoders from raw model outputs to boxes in model-input pixels. Each is pure and tested on
//! synthetic tensors; `model` feeds them the real outputs.

pub mod blazeface;
pub mod centerface;
pub mod centernet;
pub mod ssd;
pub mod yolo;

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x.clamp(-80.0, 80.0)).exp())
}
