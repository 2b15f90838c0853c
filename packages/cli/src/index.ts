// The CLI as a function, for scripts and tests: `await runCli(['send', 'thryve', ...], output)`.
export { runCli, type CliOutput } from './run-cli.js';
export { EXIT } from './exit-codes.js';
