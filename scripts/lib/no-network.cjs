// Preloaded (node --require) into tools that try to reach the internet on their own, such as
// Electronegativity's translation download: any connection to a host other than this computer fails
// at once, before a DNS lookup or a packet. CI has no network, and tests never leave 127.0.0.1.
'use strict';
const net = require('node:net');
const tls = require('node:tls');

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const hostOf = (args) => {
  const first = args[0];
  if (first && typeof first === 'object') return first.host ?? first.hostname ?? 'localhost';
  return typeof args[1] === 'string' ? args[1] : 'localhost';
};

function guard(original) {
  return function guarded(...args) {
    const host = hostOf(args);
    if (typeof host === 'string' && !LOOPBACK.has(host) && !(typeof args[0] === 'object' && args[0]?.path)) {
      const socket = new net.Socket();
      process.nextTick(() =>
        socket.destroy(Object.assign(new Error(`network disabled: ${host}`), { code: 'ENETUNREACH' })),
      );
      return socket;
    }
    return original.apply(this, args);
  };
}

net.connect = guard(net.connect);
net.createConnection = guard(net.createConnection);
tls.connect = guard(tls.connect);

// Name lookups too: refuse them for anything but this computer, so not even a DNS query leaves.
const dns = require('node:dns');
const refused = (hostname) => typeof hostname === 'string' && !LOOPBACK.has(hostname);
const notFound = (hostname) =>
  Object.assign(new Error(`network disabled: ${hostname}`), { code: 'ENOTFOUND', hostname });
const originalLookup = dns.lookup;
dns.lookup = function lookup(hostname, ...rest) {
  if (!refused(hostname)) return originalLookup.call(this, hostname, ...rest);
  const callback = rest[rest.length - 1];
  if (typeof callback === 'function') process.nextTick(callback, notFound(hostname));
};
const originalPromisesLookup = dns.promises.lookup;
dns.promises.lookup = (hostname, ...rest) =>
  refused(hostname) ? Promise.reject(notFound(hostname)) : originalPromisesLookup(hostname, ...rest);
for (const Resolver of [dns.Resolver, dns.promises.Resolver]) {
  for (const method of ['resolve', 'resolve4', 'resolve6', 'resolveAny']) {
    const original = Resolver.prototype[method];
    Resolver.prototype[method] = function resolve(hostname, ...rest) {
      if (!refused(hostname)) return original.call(this, hostname, ...rest);
      const callback = rest[rest.length - 1];
      if (Resolver === dns.promises.Resolver) return Promise.reject(notFound(hostname));
      if (typeof callback === 'function') process.nextTick(callback, notFound(hostname));
      return undefined;
    };
  }
}
