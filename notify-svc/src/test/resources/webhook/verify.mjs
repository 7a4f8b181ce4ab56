// A receiver's Standard Webhooks check with nothing but Node's built-in crypto: exits 0 when the
// delivery verifies, 1 when it does not. Usage: node verify.mjs <secret> <id> <timestamp> <signatures> <body-file>
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [secret, id, timestamp, signatures, bodyFile] = process.argv.slice(2);
const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
const body = readFileSync(bodyFile);
const now = Math.floor(Date.now() / 1000);
if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > 300) {
  process.exit(1);
}
const expected = createHmac('sha256', key)
  .update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]))
  .digest();
const ok = signatures.split(' ').some((entry) => {
  const [version, signature] = entry.split(',');
  if (version !== 'v1' || !signature) return false;
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
});
process.exit(ok ? 0 : 1);
