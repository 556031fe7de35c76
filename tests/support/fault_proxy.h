/* fault_proxy.h - a test server that breaks one rule of the contract on purpose: it forwards
 * each request to an in-process conforming mock and applies one named fault on the way. */
#ifndef CF_TEST_FAULT_PROXY_H
#define CF_TEST_FAULT_PROXY_H

#include <stddef.h>

/* How it works: a libmicrohttpd server on 127.0.0.1 (any free port, a thread per connection)
 * receives a request, lets the fault rewrite it (or answer it outright), forwards it with the
 * tests' HTTP client (http_client.h) to a cf_mock serving the same spec, lets the fault
 * rewrite the answer (status, headers, body) and sends that back. Without a fault ("none" or NULL)
 * it is a conforming server: exactly the mock's answers.
 *
 * Faults (the profile is told by the spec: "flag" classification = envelope, "status" = AWS):
 *   content-type-html        every answer says content-type text/html
 *   truncated-json           every body is cut in half
 *   extra-member             envelope: an extra top-level member in every answer
 *   missing-member           envelope: successes lose /data; AWS: successes lose /UploadMetadata
 *   success-string           envelope: /success is the string "true" / "false"
 *   unknown-error-code       errors carry a code outside the catalogue (body or header)
 *   error-status-200         errors are sent with HTTP 200
 *   missing-error-message    errors lose their message (/error/message, /Message)
 *   bad-timestamp            successes carry "yesterday" as created_at (AWS: UrlExpiry)
 *   expiry-before-creation   url_expiry before created_at (AWS: UrlExpiry in the past)
 *   size-outside-accepted    AttachmentSizeInBytes 20971521 is forwarded as 20971520
 *   5xx-inside-boundary      AttachmentSizeInBytes 20971520 is answered with the internal error
 *   accept-unsupported-content-type  request content-type text/plain forwarded as JSON
 *   missing-client-token-accepted    a body without ClientToken gets one injected
 *   no-credentials-succeeds  a request without the credential header gets the valid bearer
 *   5xx-on-non-json          a body that is not JSON is answered with the internal error
 *   slow                     every answer takes 2100 ms (the budget is 2000 ms)
 *   missing-error-type       AWS: errors lose x-amzn-ErrorType
 *   empty-attachment-id      AWS: successes carry AttachmentId ""
 *   replay-new-resource      every ClientToken is replaced by a fresh one
 *   replay-changed-created-at  envelope: created_at moves on by 1 ms per answer, so a replay
 *                            returns the same id with another created_at
 *   mismatch-accepted        the token forwarded is derived from token and parameters
 *   shared-across-callers    the second caller's credential is forwarded as the first's
 *   constant-id              every success carries the same id
 *   concurrent-duplicates    requests wait 500 ms in flight; a duplicate (same credential and
 *                            token) arriving meanwhile is forwarded with a suffixed token
 *   echo-token               error messages repeat the request's credential
 *
 * Faults only generated cases are meant to catch (fault_proxy_gen.c lists them; they are not
 * counted by cf_fault_count()): 5xx-on-metacharacters, 5xx-on-control-characters,
 * 5xx-on-astral, 5xx-on-max-length, 5xx-on-big-number, accept-wrong-type,
 * accept-missing-required, accept-one-past-bound, accept-off-enum, accept-wrong-content-type.
 *
 * Memory: cf_fault_proxy_stop() stops the server and the mock and frees everything; it accepts
 * NULL. Strings given in the options are copied. */

typedef struct cf_fault_proxy cf_fault_proxy;

typedef struct {
    const char *spec_file;   /* spec the inner mock serves (and whose profile faults follow) */
    const char *fault;       /* one fault name above; NULL, "" or "none": conforming */
    const char *const *vars; /* "NAME=VALUE" overrides, as --var (CONFORM_VAR_* also apply) */
    size_t var_count;
} cf_fault_proxy_opts;

/* Starts the mock and the proxy. Returns NULL with a message in err when the spec does not
 * load, the fault is unknown or does not apply to the spec's profile, or a server cannot
 * start. */
cf_fault_proxy *cf_fault_proxy_start(const cf_fault_proxy_opts *opts, char *err, size_t errlen);
void cf_fault_proxy_stop(cf_fault_proxy *p);
/* cf_fault_proxy_start() of `spec` with `fault` and the spec's own variables, for a test: fails
 * the test (naming why) when it cannot start. Stop it with cf_fault_proxy_stop(). */
cf_fault_proxy *cf_test_fault_proxy(const char *spec, const char *fault);

/* "http://127.0.0.1:PORT": the base URL to give the runner as its target. */
const char *cf_fault_proxy_url(const cf_fault_proxy *p);
/* Requests answered so far. */
unsigned cf_fault_proxy_requests(cf_fault_proxy *p);
/* Requests or answers the fault actually changed so far (0: it never fired). */
unsigned cf_fault_proxy_applied(cf_fault_proxy *p);

/* The fault table (not the generated-case faults): names in order, and whether a fault
 * (any, of either list) applies to a profile. */
size_t cf_fault_count(void);
const char *cf_fault_name(size_t i);
/* 1 when `name` is a fault for specs of this kind (aws = 1: the AWS profile). */
int cf_fault_applies(const char *name, int aws);

#endif
