// Vigil's dev chain: Ganache in this process behind a JSON-RPC gate, as a child that cannot outlive Vigil.
//
// - No key on a command line (PROTOCOL v1.1 §4): Vigil writes the options (accounts with their keys) as one JSON
//   line on this process's stdin, read from its owner-only data dir; `ps` shows only `node devchain.js`.
// - No account is usable from the node: Ganache's wallet is locked with a random passphrase nobody learns, and the
//   gate answers only the read and raw-transaction methods a client needs (eth_*, net_*, web3_*). It refuses
//   eth_sendTransaction / eth_sign* (the node would sign), personal_* (unlock, import), evm_* (set balance, code or
//   storage, snapshots, revert) and miner_*/debug_*, so only a holder of the server's key can write, as on a real
//   chain.
// - Vigil holds stdin open; when it goes away (even kill -9, which runs no shutdown hook) stdin closes and the
//   chain stops.
// Usage: node devchain.js   (stdin: {"host","port","ganache":{...Ganache options}})
const http = require('http');
const crypto = require('crypto');

const REFUSED = /^(eth_sendTransaction|eth_sign|eth_signTransaction|eth_signTypedData.*)$/;
const ALLOWED = /^(eth_|net_|web3_)/;

let buffered = '';
let server = null;
let provider = null;

const stop = () => {
  const exit = () => process.exit(0);
  if (server) {
    server.close();
  }
  if (provider) {
    provider.disconnect().then(exit, exit);
  } else {
    exit();
  }
};

function refuse(id, message) {
  return { jsonrpc: '2.0', id: id === undefined ? null : id, error: { code: -32601, message } };
}

async function answer(call) {
  if (!call || typeof call !== 'object' || typeof call.method !== 'string') {
    return { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'invalid request' } };
  }
  if (REFUSED.test(call.method) || !ALLOWED.test(call.method)) {
    return refuse(call.id, `method ${call.method} is not served by Vigil's dev chain (no account is unlocked; `
      + 'send signed raw transactions)');
  }
  try {
    const result = await provider.request({ method: call.method, params: call.params || [] });
    return { jsonrpc: '2.0', id: call.id, result };
  } catch (e) {
    return { jsonrpc: '2.0', id: call.id, error: { code: e.code || -32000, message: e.message, data: e.data } };
  }
}

function start(config) {
  const ganache = require('ganache');
  const options = config.ganache;
  options.wallet = Object.assign({}, options.wallet, { lock: true,
    passphrase: crypto.randomBytes(32).toString('hex') });
  options.logging = Object.assign({ quiet: true }, options.logging);
  provider = ganache.provider(options);
  server = http.createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'application/json' });
      res.end(JSON.stringify(refuse(null, 'JSON-RPC over POST only')));
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 5 * 1024 * 1024) {
        req.destroy();
      } else {
        chunks.push(c);
      }
    });
    req.on('end', async () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }));
        return;
      }
      const out = Array.isArray(body) ? await Promise.all(body.map(answer)) : await answer(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    });
  });
  server.listen(config.port, config.host, () => console.log(`dev chain listening on ${config.host}:${config.port}`));
  server.on('error', (e) => {
    console.error(`dev chain: ${e.message}`);
    process.exit(1);
  });
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  if (server) {
    return;
  }
  buffered += chunk;
  const newline = buffered.indexOf('\n');
  if (newline >= 0) {
    const line = buffered.slice(0, newline);
    buffered = '';
    start(JSON.parse(line));
  }
});
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
