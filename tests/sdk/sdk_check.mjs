// sdk_check.mjs - drives the conform mock with the real AWS SDK for JavaScript v3: the
// StartAttachmentUpload spec (success, replay, each error as its typed exception, faults) and
// the whole Amazon Connect Participant service (service.mjs: all 11 operations as a working
// fake).
//
// usage: node sdk_check.mjs [--endpoint URL --bearer TOKEN]
//                           [--throttle-endpoint URL] [--quota-endpoint URL]
//                           [--internal-endpoint URL]
//                           [--service-endpoint URL --participant-token T --participant-token-alt T
//                            --view-token T]
// The fault endpoints are mocks started with throttle=1/s, quota=0 and error-rate=1.
// Prints one "ok - ..." or "not ok - ..." line per check; exits 1 if any failed, 2 on bad usage.
import {
  AccessDeniedException,
  ConnectParticipantClient,
  InternalServerException,
  ServiceQuotaExceededException,
  StartAttachmentUploadCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-connectparticipant';
import { randomUUID } from 'node:crypto';
import { checkService, describe } from './service.mjs';

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    if (!m || i + 1 >= argv.length) {
      console.error(`sdk_check: unexpected argument ${argv[i]}`);
      process.exit(2);
    }
    opts[m[1]] = argv[++i];
  }
  const service = ['service-endpoint', 'participant-token', 'participant-token-alt', 'view-token'];
  const some = service.filter((k) => opts[k]).length;
  if ((!opts.endpoint !== !opts.bearer) || (some !== 0 && some !== service.length)
      || (!opts.endpoint && !some)) {
    console.error('usage: node sdk_check.mjs [--endpoint URL --bearer TOKEN] [--throttle-endpoint URL]'
      + ' [--quota-endpoint URL] [--internal-endpoint URL] [--service-endpoint URL'
      + ' --participant-token T --participant-token-alt T --view-token T]');
    process.exit(2);
  }
  return opts;
}

// The SDK warns that Node 20 support ends in 2027; that notice is not a finding of this check.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const opts = parseArgs(process.argv.slice(2));
let failures = 0;

function report(ok, name, detail) {
  if (ok) {
    console.log(`ok - ${name}`);
  } else {
    failures++;
    console.log(`not ok - ${name}${detail ? `: ${detail}` : ''}`);
  }
}

// SigV4 is what the SDK does by default; the mock must ignore those headers. Retries are off so
// a throttled or failed call surfaces as its exception at once.
function client(endpoint) {
  return new ConnectParticipantClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
}

function input(overrides = {}) {
  return {
    ConnectionToken: opts.bearer,
    ContentType: 'text/plain',
    AttachmentSizeInBytes: 1024,
    AttachmentName: 'sdk-check.txt',
    ClientToken: randomUUID(),
    ...overrides,
  };
}

async function send(c, params) {
  try {
    return { out: await c.send(new StartAttachmentUploadCommand(params)) };
  } catch (err) {
    return { err };
  }
}

// One check: the call must fail with exactly this exception class, its status, a message and
// a request id.
async function expectError(name, c, params, Type, status) {
  const r = await send(c, params);
  const e = r.err;
  const ok = e instanceof Type && e.name === Type.name && e.$metadata
    && e.$metadata.httpStatusCode === status && typeof e.message === 'string' && e.message.length > 0
    && typeof e.$metadata.requestId === 'string' && e.$metadata.requestId.length > 0
    && !e.message.includes(opts.bearer);
  report(ok, name, ok ? '' : `expected ${Type.name} (HTTP ${status}), got ${describe(r)}`);
}

async function main() {
  if (opts['service-endpoint']) {
    await checkService(client(opts['service-endpoint']), {
      participant: opts['participant-token'],
      participantAlt: opts['participant-token-alt'],
      view: opts['view-token'],
    }, report);
  }
  if (!opts.endpoint) return;
  const c = client(opts.endpoint);

  const token = randomUUID();
  const first = await send(c, input({ ClientToken: token }));
  const o = first.out;
  const expiry = o && o.UploadMetadata ? Date.parse(o.UploadMetadata.UrlExpiry) : NaN;
  const okFirst = !!o && typeof o.AttachmentId === 'string' && o.AttachmentId.length > 0
    && o.UploadMetadata && /^https:\/\//.test(o.UploadMetadata.Url)
    && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(o.UploadMetadata.UrlExpiry)
    && expiry > Date.now()
    && typeof o.UploadMetadata.HeadersToInclude === 'object'
    && typeof o.$metadata.requestId === 'string' && o.$metadata.requestId.length > 0;
  report(okFirst, 'StartAttachmentUpload succeeds with AttachmentId and UploadMetadata',
    okFirst ? '' : describe(first));

  const again = await send(c, input({ ClientToken: token }));
  const okReplay = !!again.out && !!o && again.out.AttachmentId === o.AttachmentId;
  report(okReplay, 'replay with the same ClientToken returns the same AttachmentId',
    okReplay ? '' : describe(again));

  const other = await send(c, input());
  const okOther = !!other.out && !!o && other.out.AttachmentId !== o.AttachmentId;
  report(okOther, 'another ClientToken gives another AttachmentId', okOther ? '' : describe(other));

  await expectError('same ClientToken with another AttachmentName is a ValidationException', c,
    input({ ClientToken: token, AttachmentName: 'other.txt' }), ValidationException, 400);
  await expectError('AttachmentSizeInBytes 0 is a ValidationException', c,
    input({ AttachmentSizeInBytes: 0 }), ValidationException, 400);
  await expectError('AttachmentSizeInBytes 20971521 is a ValidationException', c,
    input({ AttachmentSizeInBytes: 20971521 }), ValidationException, 400);
  await expectError('an unsupported ContentType is a ValidationException', c,
    input({ ContentType: 'application/x-unknown' }), ValidationException, 400);
  await expectError('an unknown ConnectionToken is an AccessDeniedException', c,
    input({ ConnectionToken: 'not-a-known-connection-token' }), AccessDeniedException, 403);

  if (opts['throttle-endpoint']) {
    const t = client(opts['throttle-endpoint']);
    const pass = await send(t, input());
    report(!!pass.out, 'first call under throttle=1/s succeeds', pass.out ? '' : describe(pass));
    await expectError('an immediate second call is a ThrottlingException', t, input(),
      ThrottlingException, 429);
  }
  if (opts['quota-endpoint']) {
    await expectError('a creation past the quota is a ServiceQuotaExceededException',
      client(opts['quota-endpoint']), input(), ServiceQuotaExceededException, 402);
  }
  if (opts['internal-endpoint']) {
    await expectError('an injected server fault is an InternalServerException',
      client(opts['internal-endpoint']), input(), InternalServerException, 500);
  }
}

main().then(
  () => process.exit(failures ? 1 : 0),
  (err) => {
    console.log(`not ok - sdk_check crashed: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  },
);
