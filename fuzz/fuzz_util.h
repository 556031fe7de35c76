/* fuzz_util.h - what the fuzz targets share: the input reader, the generators of text, numbers
 * and JSON trees, the bundled specs loaded once (with their variables and every case step's
 * request when a target asks), and the secrets of a spec. fuzz_util.c is the one file in fuzz/
 * that calls the redactor API (records and checks go through it too), so a change of that API
 * is adapted in one spot.
 *
 * Memory: the bundled specs, their variables, secrets and prepared steps are loaded once by
 * cf_fuzz_load() (from LLVMFuzzerInitialize) and live until the process ends; targets only
 * read them, so no state passes from one input to the next. Strings that the generators and
 * records return are the caller's to free(); generated trees are the caller's to
 * cJSON_Delete(); cf_fuzz_secrets_new()'s object is freed by cf_fuzz_secrets_free() (NULL
 * accepted). */
#ifndef CF_FUZZ_UTIL_H
#define CF_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "base/bindings.h"
#include "base/secrets.h"
#include "base/buf.h"
#include "base/json.h"
#include "check/result.h"
#include "contract/api.h"
#include "suite/suite.h"
#include "contract/template.h"
#include "http/request.h"
#include "http/response.h"

/* ---- reading the input ------------------------------------------------------------------- */

/* The bytes not read yet; a target reads its input front to back. */
typedef struct {
    const uint8_t *p;
    size_t n;
} cf_fuzz_input;

/* The next byte, or 0 once the input is used up (a short input reads as if padded). */
unsigned cf_fuzz_next(cf_fuzz_input *in);

/* ---- generators -------------------------------------------------------------------------- */

/* Every generated secret starts with it, and no other generated text can hold an 'S', so a
 * secret's forms never occur in a record by chance. */
#define CF_FUZZ_SECRET_PREFIX "S3cr"
/* Bytes of one generated template or its expansion: far below the buffers' bounds. */
#define CF_FUZZ_TEXT_MAX 4096u
/* Nesting of generated trees. */
#define CF_FUZZ_TREE_DEPTH 3

/* What the placeholders of generated templates stand for. */
typedef struct {
    const char *region, *bearer, *bearer_alt, *cap;
} cf_fuzz_values;

/* A byte of generated text: never NUL (C strings), never 'S' (reserved for secrets). */
char cf_fuzz_text_byte(cf_fuzz_input *in);
/* Appends a template to `tmpl` and what it must expand to to `want`: literal runs (a '{' is
 * written "{{"), {region}, {bearer}, {bearer_alt} and {@cap}. */
void cf_fuzz_gen_text(cf_fuzz_input *in, const cf_fuzz_values *v, cf_buf *tmpl, cf_buf *want);
/* A new string: `prefix` and up to `max` text bytes (never NULL but when out of memory). */
char *cf_fuzz_gen_value(cf_fuzz_input *in, const char *prefix, unsigned max);
/* Keys of generated objects and the members `set`/`remove` name. */
extern const char *const cf_fuzz_keys[];
extern const size_t cf_fuzz_key_count;
/* Builds a template tree and, alongside, the tree it must expand to; 0 when out of memory
 * (then the caller deletes whatever of *tmpl and *want was built). */
int cf_fuzz_gen_tree(cf_fuzz_input *in, const cf_fuzz_values *v, int depth, cJSON **tmpl,
                     cJSON **want);

/* ---- secrets ----------------------------------------------------------------------------- */

/* Variables and their masks are the library's cf_secrets (base/secrets.h), as the runner holds
 * them for one spec or case; these wrappers are the fuzz targets' one use of that API. */

/* Whether `text` still holds a secret value, or a prefix that redaction would mask. */
int cf_fuzz_secrets_find(const cf_secrets *s, const char *text);
/* The records a report prints (check/record.h), masked by `s`; NULL when out of memory. */
char *cf_fuzz_record_request(const cf_api *api, const cf_request *q, const cf_secrets *s);
char *cf_fuzz_record_curl(const cf_api *api, const cf_request *q, const cf_secrets *s);
char *cf_fuzz_record_response(const cf_response *r, const cf_secrets *s);

/* ---- the bundled specs ------------------------------------------------------------------- */

/* One step of a bundled case with the request the runner would have sent for it. */
typedef struct {
    const cf_step *step;
    cf_request request;
    const cf_bindings *captures; /* every name the case captures, bound to a stand-in */
} cf_fuzz_step;

typedef struct {
    const char *name;      /* file name of the bundled spec */
    cf_suite *suite;       /* the spec as every FILE is loaded (cf_suite_load_v1_mem) */
    const cf_api *api;     /* suite->api: the contract the runner reads */
    cf_secrets secrets;    /* CF_FUZZ_VARS: the spec's variables at their defaults, masked */
    cf_bindings *captures; /* CF_FUZZ_STEPS: one per case */
    cf_fuzz_step *steps;   /* CF_FUZZ_STEPS: every case step whose request builds */
    size_t step_count;
} cf_fuzz_spec;

#define CF_FUZZ_VARS 1u  /* resolve the variables and build their secrets */
#define CF_FUZZ_STEPS 2u /* also build every case step's request (implies CF_FUZZ_VARS) */

/* Loads every bundled spec once; `target` names the caller in messages. Aborts when a
 * bundled spec does not load: the binary itself is broken then, no input is to blame. */
void cf_fuzz_load(const char *target, unsigned what);
size_t cf_fuzz_spec_count(void);
/* The spec a selector byte picks (bit 0 with two specs; selector % count). */
const cf_fuzz_spec *cf_fuzz_pick(unsigned selector);
/* The step a selector byte picks in the spec it picked (selector / count % steps). */
const cf_fuzz_step *cf_fuzz_pick_step(const cf_fuzz_spec *s, unsigned selector);

/* The runner's {$token}, fixed so that runs are reproducible and models know it. */
#define CF_FUZZ_TOKEN "conform-fuzz-token"
cf_rc cf_fuzz_token(void *user, const char *name, const char *arg, cf_buf *out);

/* Reads raw response bytes as the runner does: cf_response_parse_raw, then, when nothing usable
 * came, a transport failure instead; then cf_response_finish (JSON, envelope). Returns what the
 * parser returned. `r` is the caller's to cf_response_cleanup() whatever the result. */
cf_rc cf_fuzz_response_read(cf_response *r, const cf_api *api, const uint8_t *bytes, size_t len);

/* Runs every check on `r` as the runner judges step `ps` of spec `s` (check/checks.h). */
CF_WUR cf_rc cf_fuzz_checks_run(const cf_fuzz_spec *s, const cf_fuzz_step *ps, const cf_response *r,
                                cf_case_result *out);

/* Loads `size` bytes as an OpenAPI document (cf_openapi_load_mem, no file: sibling refs are
 * refused) and holds the loader to its contract: an api exactly when it succeeds, a reason
 * whenever it fails, every diagnostic with a path and a message, every operation with an id,
 * a method and a path; every compiled schema then run on the operation's example. Aborts via
 * cf_fuzz_fail on a breach. */
void cf_fuzz_openapi(const char *target, const uint8_t *data, size_t size);

/* Prints "<target>: <what>: <detail>" and aborts: a finding. */
void cf_fuzz_fail(const char *target, const char *what, const char *detail)
    __attribute__((noreturn));

#endif
