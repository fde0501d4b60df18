#!/usr/bin/env node
// A local receiver for statusUrl / feeUrl: prints every notification and answers 200.
//   node examples/webhook-receiver.mjs [port]   (default 8088)
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 8088);
createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    console.log(`${new Date().toISOString()} ${req.method} ${req.url} ${body}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"resultcode":"0"}');
  });
}).listen(port, '127.0.0.1', () => console.log(`webhook receiver on http://127.0.0.1:${port}`));
