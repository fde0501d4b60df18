// The bench's SMS centre, in a process of its own (so the load generator does not slow it down):
// a TestSmsc on loopback (with BENCH_RECEIPTS=1, a DELIVRD receipt for every accepted submit_sm). It sends its
// port, and on "report" answers with when each destination's first submit_sm arrived.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { TestSmsc } = await import(pathToFileURL(join(root, 'dist/libs/testing/src/smsc.js')).href);
const smsc = new TestSmsc({
  systemId: 'bench',
  password: 'bench',
  autoReceipt: process.env.BENCH_RECEIPTS === '1' ? 'DELIVRD' : null,
});
const port = await smsc.start();
process.send({ port });
process.on('message', async (message) => {
  if (message === 'report') {
    const firstAt = {};
    let accepted = 0;
    for (const submit of smsc.submits) {
      if (submit.status !== 0) continue;
      accepted++;
      // Wall-clock time, comparable with the bench process's Date.now().
      firstAt[submit.destination] ??= submit.receivedAt;
    }
    process.send({ firstAt, accepted, submits: smsc.submits.length, receipts: smsc.receiptResponses.length });
  } else if (message === 'stop') {
    await smsc.stop();
    process.exit(0);
  }
});
