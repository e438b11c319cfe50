// Plays Electron's `process.parentPort` in a plain Node child (child_process.fork with the
// 'advanced' serialization), so the bundled engine-host.cjs can run in tests: Electron's utility
// process cannot run here. Messages arrive as `{ data }`, as Electron's MessageEvent.
const { EventEmitter } = require('node:events');
const process = require('node:process');

const parentPort = new EventEmitter();
parentPort.postMessage = (message) => process.send(message);
process.on('message', (data) => parentPort.emit('message', { data }));
process.parentPort = parentPort;
