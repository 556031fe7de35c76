/* mock_fixture.h - the mock on a loopback port for tests, with the requests and assertions the
 * mock's tests share (test_mock*.c, test_cli_serve.c). Failures fail the calling Criterion test.
 *
 * Memory: cf_test_mock_stop() frees what cf_test_mock_start*() made; strings returned by
 * cf_test_mock_body() and cf_test_token_lit() are the caller's to free(); a cf_test_reply is
 * freed with cf_test_reply_free(). */
#ifndef CF_TEST_MOCK_FIXTURE_H
#define CF_TEST_MOCK_FIXTURE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/bindings.h"
#include "contract/spec.h"
#include "http/headers.h"
#include "http_client.h"
#include "mock/mock.h"
#include "suite/suite.h"

#define CF_TEST_SPEC_DIR CONFORM_SOURCE_DIR "/specs/connect-participant/"

/* The bundled specs: 0 the envelope profile, 1 AWS. */
extern const char *const cf_test_mock_specs[];
#define CF_TEST_MOCK_SPECS 2u

/* A spec, its variables and a running mock. */
typedef struct {
    cf_spec *spec;
    cf_secrets vars;
    cf_mock *mock;
    char url[256]; /* the operation's URL on the mock */
    const char *bearer;
    const char *bearer_alt;
} cf_test_mock;

/* Starts the mock with `o` (spec, variables and address are filled in here). */
void cf_test_mock_start_opts(cf_test_mock *s, const char *file, cf_mock_opts *o);
/* Starts the mock with seed 42 and faults given as --fault texts (NULL-terminated, may be NULL). */
void cf_test_mock_start(cf_test_mock *s, const char *file, const char *const *faults);
void cf_test_mock_stop(cf_test_mock *s);

typedef struct {
    const char *method;       /* NULL: POST */
    const char *url;          /* NULL: the operation's URL */
    const char *bearer;       /* NULL: header not sent; "" sent empty */
    const char *content_type; /* NULL: not sent */
    const char *body;         /* NULL: no body */
    size_t body_len;          /* 0: strlen(body) */
    const char *extra;        /* one more "Name: value" header, may be NULL */
    int expect_continue;      /* 1: let curl send "Expect: 100-continue" for big bodies */
} cf_test_mock_request;

/* Sends `q` to the mock (the credential header is X-Amz-Bearer) and fills `r`. */
void cf_test_mock_send(const cf_test_mock *s, const cf_test_mock_request *q, cf_test_reply *r);
/* The spec in `file` with the value at each of `n` JSON pointers replaced by values[i] (taken,
 * whatever happens); the caller frees the spec with cf_spec_free(). */
cf_spec *cf_test_spec_edited(const char *file, const char *const *pointers, cJSON *const *values,
                             size_t n);
/* A mock of `spec` without a socket (answers through cf_mock_handle()), its variables resolved
 * into *vars (cf_secrets_cleanup) and *auth filled with the first caller's X-Amz-Bearer and a
 * JSON Content-Type (cf_headers_cleanup); stop it with cf_mock_stop(). */
cf_mock *cf_test_mock_offline(cf_spec *spec, cf_secrets *vars, cf_headers *auth);
/* A request body from its four members; NULL leaves one out, values are JSON text. */
char *cf_test_mock_body(const char *content_type, const char *size, const char *name,
                        const char *token);
/* A fresh ClientToken as a JSON string literal. */
char *cf_test_token_lit(const char *label);
/* POSTs a valid body with the given token and credential. */
void cf_test_mock_post_valid(const cf_test_mock *s, const char *bearer, const char *token_json,
                             cf_test_reply *r);
/* The error code of an error answer, per the spec's locator; "" when none. */
const char *cf_test_mock_code(const cf_test_mock *s, const cf_test_reply *r, char *out, size_t n);
const char *cf_test_mock_message(const cf_test_mock *s, const cf_test_reply *r);
/* The first "identical" member (the resource id); NULL when absent. */
const char *cf_test_mock_id(const cf_test_mock *s, const cf_test_reply *r);
/* The answer is the error of `role`, in the error schema, with a message, never the bearer. */
void cf_test_mock_assert_error(const cf_test_mock *s, const cf_test_reply *r, cf_role role,
                               const char *what);
/* The answer is a success in the success schema, with an id. */
void cf_test_mock_assert_success(const cf_test_mock *s, const cf_test_reply *r, const char *what);

/* ---- any contract: every operation served (test_mock_api.c, test_mock_openapi.c) ---- */

#define CF_TEST_SERVICE CF_TEST_SPEC_DIR "connectparticipant.overlay.json"
#define CF_TEST_PETS CONFORM_SOURCE_DIR "/tests/data/mock_pets.openapi.json"

/* A contract (loaded with cf_suite_load_file) served on a loopback port. */
typedef struct {
    cf_suite *suite;
    cf_mock *mock;
    char base[128]; /* "http://127.0.0.1:PORT" */
} cf_test_api_mock;

/* Starts the mock for `file` with seed 42, the contract's default variables and faults given as
 * --fault texts (NULL-terminated, may be NULL). */
void cf_test_api_mock_start(cf_test_api_mock *s, const char *file, const char *const *faults);
void cf_test_api_mock_stop(cf_test_api_mock *s);
/* Sends `method` `path` (with a query, if any) with header lines ("Name: value", NULL-terminated,
 * may be NULL) and `body` (NULL: none; a body goes as application/json unless a Content-Type
 * line is given). Fills `r`. */
void cf_test_api_call(const cf_test_api_mock *s, const char *method, const char *path,
                      const char *const *headers, const char *body, cf_test_reply *r);
/* The string at `pointer` in the answer's JSON (asserted present); borrowed from r. */
const char *cf_test_reply_string(const cf_test_reply *r, const char *pointer);

#endif
