// service.mjs - the whole Amazon Connect Participant service against `conform serve` of the
// bundled contract, through the real AWS SDK for JavaScript v3: all 11 operations, the flows
// that make it a working fake (connection tokens, uploads, the transcript and its pages,
// disconnection, replays) and the exception types of bad requests.
import {
  AccessDeniedException,
  CancelParticipantAuthenticationCommand,
  CompleteAttachmentUploadCommand,
  ConflictException,
  CreateParticipantConnectionCommand,
  DescribeViewCommand,
  DisconnectParticipantCommand,
  GetAttachmentCommand,
  GetAuthenticationUrlCommand,
  GetTranscriptCommand,
  ResourceNotFoundException,
  SendEventCommand,
  SendMessageCommand,
  StartAttachmentUploadCommand,
  ValidationException,
} from '@aws-sdk/client-connectparticipant';
import { randomUUID } from 'node:crypto';

const SESSION = '0123456789abcdef0123456789abcdef0123'; // 36 characters, as the model asks

async function call(c, command) {
  try {
    return { out: await c.send(command) };
  } catch (err) {
    return { err };
  }
}

// One result in a line: the exception with its status, or the output.
export function describe(r) {
  if (r.err) {
    const status = r.err.$metadata ? r.err.$metadata.httpStatusCode : '?';
    return `${r.err.name} (HTTP ${status}): ${r.err.message}`;
  }
  return `success ${JSON.stringify(r.out)}`;
}

function hasRequestId(x) {
  return !!x.$metadata && typeof x.$metadata.requestId === 'string'
    && x.$metadata.requestId.length > 0;
}

// checkService(client, {participant, participantAlt, view}, report): report(ok, name, detail)
// once per check.
export async function checkService(c, tokens, report) {
  const ok = (r, name, pred) => {
    const good = !!r.out && hasRequestId(r.out) && pred(r.out);
    report(good, name, good ? '' : describe(r));
    return good;
  };
  const fails = async (name, command, Type, status) => {
    const r = await call(c, command);
    const e = r.err;
    const good = e instanceof Type && e.name === Type.name && !!e.$metadata
      && e.$metadata.httpStatusCode === status && typeof e.message === 'string'
      && e.message.length > 0 && hasRequestId(e)
      && !Object.values(tokens).some((t) => e.message.includes(t));
    report(good, name, good ? '' : `expected ${Type.name} (HTTP ${status}), got ${describe(r)}`);
  };

  // CreateParticipantConnection: a participant token buys a connection token.
  const connect = (token) => call(c, new CreateParticipantConnectionCommand({
    ParticipantToken: token, Type: ['WEBSOCKET', 'CONNECTION_CREDENTIALS'], ConnectParticipant: true,
  }));
  const conn = await connect(tokens.participant);
  ok(conn, 'CreateParticipantConnection gives a ConnectionToken and a websocket', (o) =>
    !!o.ConnectionCredentials && typeof o.ConnectionCredentials.ConnectionToken === 'string'
    && !!o.Websocket && /^wss:\/\//.test(o.Websocket.Url));
  const token = conn.out && conn.out.ConnectionCredentials
    ? conn.out.ConnectionCredentials.ConnectionToken : 'missing';
  await fails('CreateParticipantConnection with an unknown ParticipantToken is an AccessDeniedException',
    new CreateParticipantConnectionCommand({ ParticipantToken: 'nobody', Type: ['WEBSOCKET'] }),
    AccessDeniedException, 403);

  // SendMessage / SendEvent, then GetTranscript lists them all, in pages, none lost or repeated.
  const sent = [];
  for (let i = 0; i < 5; i++) {
    const r = await call(c, new SendMessageCommand({
      ConnectionToken: token, ContentType: 'text/plain', Content: `hello ${i}`, ClientToken: randomUUID(),
    }));
    if (r.out && r.out.Id) sent.push(r.out.Id);
    if (i === 0) ok(r, 'SendMessage gives an Id and an AbsoluteTime', (o) => !!o.Id && !!o.AbsoluteTime);
  }
  const clientToken = randomUUID();
  const event = await call(c, new SendEventCommand({
    ConnectionToken: token, ContentType: 'application/vnd.amazonaws.connect.event.typing',
    ClientToken: clientToken,
  }));
  ok(event, 'SendEvent gives an Id', (o) => !!o.Id);
  if (event.out) sent.push(event.out.Id);
  const again = await call(c, new SendEventCommand({
    ConnectionToken: token, ContentType: 'application/vnd.amazonaws.connect.event.typing',
    ClientToken: clientToken,
  }));
  ok(again, 'SendEvent replayed with its ClientToken gives the same Id',
    (o) => !!event.out && o.Id === event.out.Id);

  const seen = [];
  let next;
  let pages = 0;
  do {
    const r = await call(c, new GetTranscriptCommand({ ConnectionToken: token, MaxResults: 2, NextToken: next }));
    if (!r.out) {
      report(false, 'GetTranscript pages', describe(r));
      break;
    }
    seen.push(...r.out.Transcript.map((t) => t.Id));
    next = r.out.NextToken;
    pages++;
  } while (next && pages < 20);
  report(JSON.stringify(seen) === JSON.stringify(sent) && pages === 3,
    'GetTranscript pages of 2 (NextToken) list every message and event once, in order',
    `sent ${JSON.stringify(sent)}, listed ${JSON.stringify(seen)} in ${pages} pages`);
  const first = await call(c, new GetTranscriptCommand({ ConnectionToken: token }));
  ok(first, 'GetTranscript shows the content sent', (o) => o.Transcript.length === 6
    && o.Transcript[0].Content === 'hello 0' && o.Transcript[0].Type === 'MESSAGE'
    && o.Transcript[5].Type === 'EVENT');

  // StartAttachmentUpload -> CompleteAttachmentUpload -> GetAttachment.
  const uploadToken = randomUUID();
  const upload = (ct) => call(c, new StartAttachmentUploadCommand({
    ConnectionToken: token, ContentType: 'text/plain', AttachmentSizeInBytes: 4321,
    AttachmentName: 'notes.txt', ClientToken: ct,
  }));
  const started = await upload(uploadToken);
  ok(started, 'StartAttachmentUpload gives an AttachmentId and an upload URL', (o) =>
    !!o.AttachmentId && !!o.UploadMetadata && /^https:\/\//.test(o.UploadMetadata.Url));
  const id = started.out ? started.out.AttachmentId : 'missing';
  ok(await upload(uploadToken), 'StartAttachmentUpload replayed gives the same AttachmentId',
    (o) => o.AttachmentId === id);
  await fails('GetAttachment before CompleteAttachmentUpload is a ValidationException',
    new GetAttachmentCommand({ ConnectionToken: token, AttachmentId: id }), ValidationException, 400);
  ok(await call(c, new CompleteAttachmentUploadCommand({
    ConnectionToken: token, AttachmentIds: [id], ClientToken: randomUUID(),
  })), 'CompleteAttachmentUpload succeeds', () => true);
  await fails('CompleteAttachmentUpload of a completed upload is a ConflictException',
    new CompleteAttachmentUploadCommand({ ConnectionToken: token, AttachmentIds: [id], ClientToken: randomUUID() }),
    ConflictException, 409);
  ok(await call(c, new GetAttachmentCommand({ ConnectionToken: token, AttachmentId: id })),
    'GetAttachment of the completed upload gives its URL and size', (o) =>
      /^https:\/\//.test(o.Url) && o.Url.includes(id) && o.AttachmentSizeInBytes === 4321);
  await fails('GetAttachment of an unknown AttachmentId is a ValidationException',
    new GetAttachmentCommand({ ConnectionToken: token, AttachmentId: 'no-such-attachment' }),
    ValidationException, 400);

  // DescribeView, GetAuthenticationUrl, CancelParticipantAuthentication.
  ok(await call(c, new DescribeViewCommand({ ConnectionToken: token, ViewToken: tokens.view })),
    'DescribeView of the known view token gives the view', (o) => !!o.View && !!o.View.Id);
  await fails('DescribeView of an unknown view token is a ResourceNotFoundException',
    new DescribeViewCommand({ ConnectionToken: token, ViewToken: 'no-such-view' }),
    ResourceNotFoundException, 404);
  ok(await call(c, new GetAuthenticationUrlCommand({
    ConnectionToken: token, SessionId: SESSION, RedirectUri: 'https://example.com/back',
  })), 'GetAuthenticationUrl gives a URL', (o) => /^https:\/\//.test(o.AuthenticationUrl));
  ok(await call(c, new CancelParticipantAuthenticationCommand({ ConnectionToken: token, SessionId: SESSION })),
    'CancelParticipantAuthentication succeeds', () => true);

  // Bad requests and other callers.
  await fails('SendMessage with an empty Content is a ValidationException',
    new SendMessageCommand({ ConnectionToken: token, ContentType: 'text/plain', Content: '' }),
    ValidationException, 400);
  await fails('GetTranscript with MaxResults 101 is a ValidationException',
    new GetTranscriptCommand({ ConnectionToken: token, MaxResults: 101 }), ValidationException, 400);
  await fails('GetAuthenticationUrl with a short SessionId is a ValidationException',
    new GetAuthenticationUrlCommand({ ConnectionToken: token, SessionId: 'short', RedirectUri: 'https://x' }),
    ValidationException, 400);
  await fails('an unknown ConnectionToken is an AccessDeniedException',
    new GetTranscriptCommand({ ConnectionToken: 'not-a-connection-token' }), AccessDeniedException, 403);
  const other = await connect(tokens.participantAlt);
  const otherToken = other.out ? other.out.ConnectionCredentials.ConnectionToken : 'missing';
  ok(other, "another participant's ParticipantToken gives another ConnectionToken",
    (o) => o.ConnectionCredentials.ConnectionToken !== token);
  await fails("another participant cannot fetch this participant's attachment",
    new GetAttachmentCommand({ ConnectionToken: otherToken, AttachmentId: id }), ValidationException, 400);

  // DisconnectParticipant ends the connection token.
  ok(await call(c, new DisconnectParticipantCommand({ ConnectionToken: token, ClientToken: randomUUID() })),
    'DisconnectParticipant succeeds', () => true);
  await fails('SendMessage after DisconnectParticipant is an AccessDeniedException',
    new SendMessageCommand({ ConnectionToken: token, ContentType: 'text/plain', Content: 'late' }),
    AccessDeniedException, 403);
  ok(await call(c, new SendMessageCommand({ ConnectionToken: otherToken, ContentType: 'text/plain', Content: 'still here' })),
    "the other participant's connection still works", (o) => !!o.Id);
}
