// Compiles src/*.sol with solcjs (offline, from npm) into <out>/<Contract>.abi and .bin for web3j codegen.
// Usage: node compile.js <out-dir>
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const out = process.argv[2];
if (!out) {
  console.error('usage: node compile.js <out-dir>');
  process.exit(2);
}
const srcDir = path.join(__dirname, 'src');
const sources = {};
for (const f of fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[f] = { content: fs.readFileSync(path.join(srcDir, f), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'paris', // Ganache 7 knows neither PUSH0 (shanghai) nor MCOPY (cancun)
    optimizer: { enabled: true, runs: 200 },
    viaIR: true, // six calldata arrays per call exceed the legacy pipeline's stack
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const result = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (result.errors || []).filter((e) => e.severity === 'error');
for (const e of result.errors || []) {
  console.error(e.formattedMessage);
}
if (errors.length > 0) {
  process.exit(1);
}
fs.mkdirSync(out, { recursive: true });
let count = 0;
for (const [file, contracts] of Object.entries(result.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object) {
      continue; // abstract
    }
    fs.writeFileSync(path.join(out, name + '.abi'), JSON.stringify(c.abi));
    fs.writeFileSync(path.join(out, name + '.bin'), c.evm.bytecode.object);
    count++;
    console.log(`compiled ${file}:${name} (${c.evm.bytecode.object.length / 2} bytes) with solc ${solc.version()}`);
  }
}
if (count === 0) {
  console.error('no contracts compiled');
  process.exit(1);
}
