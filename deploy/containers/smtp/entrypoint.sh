#!/usr/bin/env bash
# Postfix as a relay: accepts mail from the compose network and forwards it to RELAYHOST.
#   RELAYHOST        e.g. [smtp.school.example]:587 (empty: deliver directly, rarely wanted)
#   RELAY_NETWORKS   who may send (default: private networks)
#   MAIL_HOSTNAME    the name postfix greets with (default: proctorwise-smtp)
set -euo pipefail
postconf -e "myhostname=${MAIL_HOSTNAME:-proctorwise-smtp}" \
  "mynetworks=127.0.0.0/8 ${RELAY_NETWORKS:-10.0.0.0/8 172.16.0.0/12 192.168.0.0/16}" \
  "relayhost=${RELAYHOST:-}" "inet_interfaces=all" "maillog_file=/dev/stdout"
exec postfix start-fg
