/* http_client.h - the one HTTP client of the tests (libcurl easy): one request, its whole
 * answer (status, raw header lines, parsed headers, body, JSON) and how long it took. */
#ifndef CF_TEST_HTTP_CLIENT_H
#define CF_TEST_HTTP_CLIENT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "http/headers.h"

typedef struct {
    const char *method; /* NULL: curl's choice (POST with a body, GET without) */
    const char *url;
    /* Header lines in curl's spelling: "Name: value"; "Name;" sends it empty; "Name:" keeps
     * curl from sending its own. */
    const char *const *headers;
    size_t header_count;
    const char *body;    /* NULL: no body at all */
    size_t body_len;     /* 0: strlen(body) */
    int expect_continue; /* 1: let curl send "Expect: 100-continue" for big bodies */
    long timeout_ms;     /* 0: 15 s */
    size_t body_max;     /* bytes of answer body kept; 0: 16 MiB */
} cf_test_request;

typedef struct {
    long status;        /* 0: no HTTP answer (see error) */
    char error[256];    /* curl's reason when status is 0 */
    cf_buf head;        /* every raw header line received, interim answers included */
    cf_headers headers; /* the final answer's headers, in order */
    cf_buf body;
    cJSON *json; /* the body parsed; NULL when empty or not JSON */
    double elapsed_ms;
} cf_test_reply;

/* Sends `q` and fills `r` (which needs no set-up). Never asserts, so server threads may use it.
 * Returns 0 when an HTTP answer arrived, else curl's error code (r->status 0, r->error says
 * why). curl_global_init() is done once on first use.
 * Memory: cf_test_reply_free() releases what `r` holds and accepts a zeroed reply. */
int cf_test_http_send(const cf_test_request *q, cf_test_reply *r);
void cf_test_reply_free(cf_test_reply *r);
/* The final answer's first header of that name (any case) copied into out; 0 when absent. */
int cf_test_reply_header(const cf_test_reply *r, const char *name, char *out, size_t n);

#endif
