// minimal-driver.mjs: the smallest useful ebsmock driver (README "Driver protocol"), around
// @alicloud/pop-core. Run under the harness in tests/harness/node_sdk_contract_test.cpp.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
const RPCClient = createRequire(import.meta.url)('@alicloud/pop-core');
const env = process.env;
const client = new RPCClient({ endpoint: env.EBSMOCK_ENDPOINT, apiVersion: '2021-07-30',
  accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID, accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET });
for await (const line of createInterface({ input: process.stdin })) {
  const { id, action, params } = JSON.parse(line);
  if (!/^(Describe|Clear|ListReplica)/.test(action)) params.ClientToken ??= randomUUID();  // one per call
  let answer;
  try {
    answer = { id, ok: true, body: await client.request(action, params, { method: 'POST' }) };
  } catch (e) {  // no status = no HTTP answer (ECONNRESET, a non-JSON body, ...)
    answer = { id, ok: false, error: { code: e.code ?? e.name, status: e.entry?.response?.statusCode,
      message: String(e.message), request_id: e.data?.RequestId } };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
process.exit(0);  // keep-alive sockets must not hold the process open after EOF
