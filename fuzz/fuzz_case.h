/* fuzz_case.h - a request case generated from a fuzz input, with the model of the request
 * cf_request_build must make of it; shared by fuzz_request_serializer (held to the model) and
 * fuzz_record (the records of the request built).
 *
 * Input, read front to back (missing bytes read as 0): byte 0 picks the spec (bit 0), the body
 * mode (bits 1-2: the spec's example, a tree of our own, a raw body, none) and the URL (bit 3:
 * the spec's server URL or "https://" + text); then the variables' values (the secrets
 * {bearer} and {bearer_alt} start with CF_FUZZ_SECRET_PREFIX), the step's headers, the body
 * and its `set`/`remove`. The model is computed here independently of request.c.
 *
 * Memory: a cf_fuzz_case owns everything it holds (the bindings, generated values, step
 * members, the model and the built request); cf_fuzz_case_cleanup() frees it all, also after a
 * cf_fuzz_case_build() that returned 0. */
#ifndef CF_FUZZ_CASE_H
#define CF_FUZZ_CASE_H

#include "fuzz_util.h"

/* Operation headers + step headers modelled. */
#define CF_FUZZ_MAX_HEADERS 16u

typedef struct {
    const char *name;
    char *value;
} cf_fuzz_model_header;

typedef struct {
    int ok; /* 0: cf_request_build must refuse the case (CF_E_INVALID) */
    char *url;
    cf_fuzz_model_header headers[CF_FUZZ_MAX_HEADERS];
    size_t header_count;
    cJSON *body;    /* JSON body the request must carry (modes 0 and 1) */
    char *raw_body; /* raw body (mode 2) */
} cf_fuzz_model;

/* Body modes of byte 0's bits 1-2. */
enum { CF_FUZZ_BODY_EXAMPLE, CF_FUZZ_BODY_OWN, CF_FUZZ_BODY_RAW, CF_FUZZ_BODY_NONE };

typedef struct {
    const cf_api *api;          /* the picked bundled spec's contract */
    const cf_api_operation *op; /* its one operation */
    int mode;                   /* CF_FUZZ_BODY_* */
    cf_bindings vars, caps;
    char *region, *bearer, *bearer_alt, *cap;
    cJSON *headers, *set, *remove, *body;
    cf_buf tmpl, want, raw;
    cf_fuzz_model m;
    cf_request q;  /* what cf_request_build made of the case */
    cf_rc rc;      /* what cf_request_build returned */
    char err[512]; /* its message */
} cf_fuzz_case;

/* Generates the case from data[0..size) and calls cf_request_build on it. Returns 0 when
 * generating ran out of memory (nothing to judge), 1 when c->rc, c->q and c->m are to be
 * judged. Needs cf_fuzz_load() first. */
int cf_fuzz_case_build(cf_fuzz_case *c, const uint8_t *data, size_t size);
void cf_fuzz_case_cleanup(cf_fuzz_case *c);

#endif
