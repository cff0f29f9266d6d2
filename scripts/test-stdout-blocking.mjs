// Preloaded into the test runner and, through its execArgv, into each test file's process. Under
// --test-force-exit a test file's process exits as soon as its tests are done, and on Linux its
// pipe to the runner is non-blocking: the last results still buffered in it are lost, and the run
// reports fewer tests than ran, with exit code 0 (nodejs/node#64833; seen here: 20 inventory
// conformance tests missing from a green CI run). Blocking writes leave nothing behind.
const handle = process.stdout._handle;
if (handle && typeof handle.setBlocking === 'function') handle.setBlocking(true);
