// Runs Ganache as a child that cannot outlive Vigil: Vigil holds this process's stdin open, and when it goes
// away (even with kill -9, which runs no shutdown hook) stdin closes and Ganache is stopped.
// Usage: node devchain.js <ganache executable> [ganache options...]
const { spawn } = require('child_process');

const child = spawn(process.argv[2], process.argv.slice(3), { stdio: ['ignore', 'inherit', 'inherit'] });
const stop = () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
  }
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code, signal) => process.exit(code === null ? (signal === 'SIGTERM' ? 0 : 1) : code));
