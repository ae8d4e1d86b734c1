// The official openai npm package (pinned in package-lock.json) drives `confidant-cli serve` on
// a tiny model, on 127.0.0.1: model list, non-streamed and streamed chat, stop sequences, usage,
// an aborted stream that frees the server, 8 concurrent clients against a queue of 4, a wrong
// key (401), malformed and mistyped bodies (400). Exits non-zero on the first failed check.
'use strict';
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const OpenAI = require('openai');

const [cli, model] = process.argv.slice(2);
const key = 'sk-test-' + process.pid;
const deadline = setTimeout(() => { console.error('serve_test: over 280 s, giving up'); process.exit(1); }, 280000);

function startServer() {
  const server = spawn(cli, ['serve', '-m', model, '--port', '0', '--api-key', key, '--queue', '4',
                             '--ctx', '512', '--threads', '1', '--seed', '3'],
                       { stdio: ['ignore', 'inherit', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    server.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/at (http:\/\/127\.0\.0\.1:\d+\/v1)/);
      if (m && !server.baseURL) { server.baseURL = m[1]; resolve(server); }
    });
    server.on('exit', (code) => reject(new Error('serve exited (' + code + '): ' + err)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function inFlight(baseURL) {
  const r = await fetch(baseURL.replace(/\/v1$/, '') + '/health');
  return (await r.json()).requests_in_flight;
}

async function main() {
  const server = await startServer();
  const baseURL = server.baseURL;
  const client = new OpenAI({ apiKey: key, baseURL, maxRetries: 0, timeout: 30000 });
  const messages = [{ role: 'user', content: 'Once upon a time' }];
  try {
    // The model list.
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), ['stories260K']);
    console.log('ok models.list');

    // Non-streamed, greedy: usage adds up and the length limit is the finish reason.
    const whole = await client.chat.completions.create({ model: 'stories260K', messages, max_tokens: 48, temperature: 0 });
    const text = whole.choices[0].message.content;
    assert.equal(whole.object, 'chat.completion');
    assert.equal(whole.choices[0].message.role, 'assistant');
    assert.equal(whole.choices[0].finish_reason, 'length');
    assert.ok(text.length > 10, 'a reply: ' + JSON.stringify(text));
    assert.equal(whole.usage.completion_tokens, 48);
    assert.ok(whole.usage.prompt_tokens > 4);
    assert.equal(whole.usage.total_tokens, whole.usage.prompt_tokens + 48);
    console.log('ok chat (non-streamed), usage', JSON.stringify(whole.usage));

    // Streamed, same request: the same text, a role chunk first, usage last.
    const stream = await client.chat.completions.create({ model: 'stories260K', messages, max_tokens: 48, temperature: 0,
                                                          stream: true, stream_options: { include_usage: true } });
    let streamed = '', roleFirst = null, finish = null, usage = null, chunks = 0;
    for await (const chunk of stream) {
      ++chunks;
      if (chunk.usage) usage = chunk.usage;
      if (!chunk.choices.length) continue;
      const c = chunk.choices[0];
      if (roleFirst === null) roleFirst = c.delta.role === 'assistant';
      if (c.delta.content) streamed += c.delta.content;
      if (c.finish_reason) finish = c.finish_reason;
    }
    assert.equal(roleFirst, true);
    assert.equal(streamed, text);
    assert.equal(finish, 'length');
    assert.deepEqual(usage, whole.usage);
    assert.ok(chunks > 10);
    console.log('ok chat (streamed),', chunks, 'chunks');

    // Stop sequences: the reply ends right before the first occurrence, which is not sent.
    const stop = text.slice(Math.floor(text.length / 2), Math.floor(text.length / 2) + 3);
    const stopped = await client.chat.completions.create({ model: 'stories260K', messages, max_tokens: 48, temperature: 0, stop: [stop] });
    assert.equal(stopped.choices[0].message.content, text.slice(0, text.indexOf(stop)));
    assert.equal(stopped.choices[0].finish_reason, 'stop');
    console.log('ok stop sequence', JSON.stringify(stop));

    // Plain completions.
    const completion = await client.completions.create({ model: 'stories260K', prompt: 'Once upon a time', max_tokens: 8, temperature: 0 });
    assert.equal(completion.choices[0].finish_reason, 'length');
    assert.equal(completion.usage.completion_tokens, 8);
    console.log('ok completions');

    // An aborted stream frees the server within a second.
    const long = await client.chat.completions.create({ model: 'stories260K', messages, max_tokens: 400, temperature: 0.8, stream: true });
    let got = 0;
    for await (const chunk of long) { if (++got === 3) break; }  // break aborts the request
    const abortedAt = Date.now();
    while (await inFlight(baseURL) !== 0) {
      assert.ok(Date.now() - abortedAt < 1000, 'the aborted generation still holds the model after 1 s');
      await sleep(10);
    }
    console.log('ok aborted stream freed the server in', Date.now() - abortedAt, 'ms');

    // 8 concurrent clients against a queue of 4 (one running + 4 waiting): the rest get 429
    // with Retry-After, and every accepted one completes. A burst on a fast model can drain
    // before it fills the queue, so up to 5 bursts are tried for one that overflows.
    let overflowed = false;
    for (let burst = 0; burst < 5 && !overflowed; ++burst) {
      // A generous client timeout: 5 accepted requests run one after another, slowly under ASan.
      const results = await Promise.allSettled(Array.from({ length: 8 }, () =>
        client.chat.completions.create({ model: 'stories260K', messages, max_tokens: 150, temperature: 0.8 },
                                       { timeout: 200000 })));
      const refused = results.filter((r) => r.status === 'rejected');
      for (const r of refused) {
        assert.ok(r.reason instanceof OpenAI.APIError, String(r.reason));
        assert.equal(r.reason.status, 429, 'not a 429 but: ' + String(r.reason));
        assert.equal(r.reason.headers.get('retry-after'), '1');
        assert.equal(r.reason.code, 'queue_full');
      }
      for (const r of results.filter((r) => r.status === 'fulfilled')) assert.ok(r.value.usage.completion_tokens > 0);
      assert.ok(results.length - refused.length >= 5, 'at least the running one and the 4 queued are served');
      console.log('burst', burst, ':', results.length - refused.length, 'served,', refused.length, 'refused (429)');
      overflowed = refused.length > 0;
    }
    assert.ok(overflowed, 'no burst of 8 ever overflowed the queue of 4');
    console.log('ok concurrency');

    // A wrong key: 401.
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL, maxRetries: 0 });
    await assert.rejects(wrong.models.list(), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);
    await assert.rejects(wrong.chat.completions.create({ model: 'stories260K', messages }), (e) => e.status === 401);
    console.log('ok wrong key (401)');

    // Malformed JSON and a mistyped field: 400 with an OpenAI error object naming the problem.
    const raw = await fetch(baseURL + '/chat/completions', { method: 'POST', body: '{"model": "stories260K", "messages": [',
                                                            headers: { Authorization: 'Bearer ' + key, 'Content-Type': 'application/json' } });
    assert.equal(raw.status, 400);
    const body = await raw.json();
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /not valid JSON/);
    await assert.rejects(client.chat.completions.create({ model: 'stories260K', messages, max_tokens: 'many' }),
                         (e) => e instanceof OpenAI.BadRequestError && e.param === 'max_tokens');
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o', messages }),
                         (e) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found');
    console.log('ok malformed body (400), unknown model (404)');

    // The server is still healthy after all of it.
    assert.equal(await inFlight(baseURL), 0);
  } finally {
    server.removeAllListeners('exit');
    const exited = new Promise((r) => server.on('exit', (code, signal) => r({ code, signal })));
    server.kill('SIGTERM');
    const { code } = await exited;
    assert.equal(code, 0, 'serve exits cleanly on SIGTERM');
  }
}

main().then(() => { clearTimeout(deadline); console.log('serve_test: all passed'); },
            (e) => { console.error('serve_test: FAILED:', e); process.exit(1); });
