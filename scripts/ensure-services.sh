#!/usr/bin/env bash
# Make sure the services the test suite needs are here: PostgreSQL on
# 127.0.0.1:5432 (database `test`, trust auth), Debian's Chromium and Debian's
# nginx (the TLS-termination test runs its own nginx process on loopback).
# Fails (never skips) when one cannot be provided.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if ! pg_up; then
  echo "PostgreSQL is not answering on 127.0.0.1:5432; starting it" >&2
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if ! pg_up; then
  echo "error: PostgreSQL is not available on 127.0.0.1:5432 and could not be started" >&2
  exit 1
fi
psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" 2>/dev/null | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE test" >/dev/null

if ! [ -x /usr/bin/chromium ]; then
  echo "Chromium is missing; installing Debian's chromium package" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
  else
    sudo apt-get install -y chromium >/dev/null
  fi
fi
[ -x /usr/bin/chromium ] || { echo "error: /usr/bin/chromium is not available" >&2; exit 1; }

if ! [ -x /usr/sbin/nginx ]; then
  echo "nginx is missing; installing Debian's nginx-light package (not started)" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y nginx-light >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y nginx-light >/dev/null; }
  else
    sudo apt-get install -y nginx-light >/dev/null
  fi
fi
[ -x /usr/sbin/nginx ] || { echo "error: /usr/sbin/nginx is not available" >&2; exit 1; }
