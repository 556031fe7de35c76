/* response.h - the response parser: status, headers and body -> JSON and envelope kind. */
#ifndef CF_RESPONSE_H
#define CF_RESPONSE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "http/headers.h"
#include "contract/api.h"

typedef enum {
    CF_ENVELOPE_NEITHER, /* no JSON, or JSON that matches neither shape */
    CF_ENVELOPE_SUCCESS,
    CF_ENVELOPE_ERROR
} cf_envelope;

/* A received response. Memory: owns everything; cleanup accepts NULL and zeroes.
 * Zero-initialised is valid (no response yet). */
typedef struct {
    /* filled while receiving */
    long status;        /* 0 until a status line was seen */
    cf_headers headers; /* of the final response (reset on each new status line) */
    cf_buf body;        /* bounded by the max given to cf_response_init() */
    size_t header_bytes;
    int body_truncated;   /* 1: the body passed its bound and was cut off */
    int headers_overflow; /* 1: header lines passed CF_MAX_RESPONSE_HEADERS / count */
    double elapsed_ms;    /* request start to last byte (libcurl's total time) */
    double sent_ms;       /* wall clock (epoch ms, fractional) when the request left */
    /* transport outcome */
    cf_rc transport_rc;        /* CF_OK when a complete response arrived */
    char transport_error[256]; /* curl's words when transport_rc != CF_OK */
    int unreachable;           /* 1: DNS, connect or TLS handshake failed: no HTTP at all */
    /* filled by cf_response_finish() */
    cJSON *json;   /* parsed body, NULL when not JSON */
    cf_rc json_rc; /* why json is NULL (CF_E_INVALID, CF_E_TOO_DEEP, ...) */
    size_t json_err_offset;
    cf_envelope envelope;
    const char *error_code;    /* borrowed from json or headers; sanitized copy below */
    char *error_code_owned;    /* code with any ":..." suffix / "...#" prefix removed */
    const char *error_message; /* borrowed; NULL when absent */
} cf_response;

/* max_body: bytes of body kept (CF_MAX_RESPONSE_BODY by default). Cannot fail. */
void cf_response_init(cf_response *r, size_t max_body);
void cf_response_cleanup(cf_response *r);
/* Back to the just-initialised state, keeping the body bound (a retry starts afresh). */
void cf_response_reset(cf_response *r);

/* Feeds one header line as it arrives ("HTTP/1.1 200 OK\r\n", "Name: value\r\n", "\r\n").
 * A status line starts a new header block (1xx / redirects). Malformed lines are counted as
 * protocol errors (CF_E_INVALID) but never crash; oversize fails with CF_E_TOO_LARGE. */
CF_WUR cf_rc cf_response_header_line(cf_response *r, const char *line, size_t len);
/* Appends body bytes; past the bound sets body_truncated and returns CF_E_TOO_LARGE. */
CF_WUR cf_rc cf_response_body_bytes(cf_response *r, const char *data, size_t len);

/* Parses a whole raw HTTP/1.x response (status line, headers, CRLF CRLF, body to the end)
 * through the same two functions; used by fuzz targets and tests. */
CF_WUR cf_rc cf_response_parse_raw(cf_response *r, const char *bytes, size_t len);

/* Parses the body as JSON (depth bounded by CF_MAX_JSON_DEPTH) and classifies the envelope
 * per the contract's (api->envelope; NULL: only parses); finds the error code and message (the
 * first locator of each list that is present; header codes and, with trim_aws_code, body
 * codes cut as AWS clients cut them). Never fails; the outcome is in the fields. */
void cf_response_finish(cf_response *r, const cf_api *api);
/* cf_response_finish(), then a 2xx without JSON is a success when the operation's response for
 * that status documents no JSON body (201 with nothing, 204). `op` may be NULL. */
void cf_response_finish_op(cf_response *r, const cf_api *api, const cf_api_operation *op);

#endif
