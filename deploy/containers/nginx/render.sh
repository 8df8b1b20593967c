#!/bin/sh
# Renders deploy/cluster/nginx.conf.template for the nginx container: listens on all interfaces
# of the container, both replicas by their compose names, the certificate from /etc/proctorwise/tls.
set -eu
dir=/var/lib/proctorwise-nginx
mkdir -p "$dir/tmp" "$dir/tls"
ln -sf /etc/proctorwise/tls/cert.pem "$dir/tls/cert.pem"
ln -sf /etc/proctorwise/tls/key.pem "$dir/tls/key.pem"
cat >"$dir/upstream.conf" <<UPSTREAM
server app1:8080 max_fails=3 fail_timeout=5s;
server app2:8080 max_fails=3 fail_timeout=5s;
UPSTREAM
sed -e "s|@DIR@|$dir|g" \
  -e "s|@USER_LINE@|user www-data;|" \
  -e "s|@MIME_TYPES@|/etc/nginx/mime.types|" \
  -e "s|@LISTEN@|0.0.0.0:8443|" \
  -e "s|@STATIC_DIR@|/usr/share/proctorwise/static|" \
  -e "s|@MAX_BODY_BYTES@|${MAX_BODY_BYTES:-2097152}|" \
  -e "s|@STATIC_CACHE_CONTROL@|${STATIC_CACHE_CONTROL:-public, max-age=31536000, immutable}|" \
  /usr/share/proctorwise/nginx.conf.template >"$dir/nginx.conf"
if grep -q '@[A-Z_]*@' "$dir/nginx.conf"; then
  echo "unrendered placeholders left in $dir/nginx.conf" >&2
  exit 1
fi
chown -R www-data "$dir"
