/* fuzz_internal.h - what the campaign loop (fuzz.c), its exchanges (fuzz_exchange.c) and its
 * findings (fuzz_find.c) share. */
#ifndef CF_FUZZ_INTERNAL_H
#define CF_FUZZ_INTERNAL_H

#include <cjson/cJSON.h>

#include "check/result.h"
#include "gen/rng.h"
#include "http/request.h"
#include "http/response.h"
#include "run/fuzz.h"

/* Memory: an fz_input owns its body (or raw text) and origin; fz_input_cleanup() frees them.
 * An fz_slot owns its input, request and response; fz_slot_cleanup() frees them. */

/* One request body to send: a JSON tree (templates in its strings, like a case's "body"), or
 * raw text (a template with every literal '{' doubled, like a case's "raw_body"). */
typedef struct {
    cJSON *body;
    char *raw;
    char *origin; /* "gen:<item>" or "<mutator> <pointer>" */
} fz_input;

typedef struct {
    fz_input in;
    cf_step step; /* the case step the input stands for; borrows in.body / in.raw */
    const char *allow[1];
    cf_request req;
    cf_response resp;
    int built; /* 0: the input could not be made into a request (skipped) */
    int64_t received_ms;
} fz_slot;

typedef struct {
    const cf_spec *spec;
    cf_api *api; /* the spec's contract (cf_api_from_spec), what the request and checks read */
    const cf_fuzz_opts *o;
    cf_fuzz_result *r;
    cf_transport *t;
    cf_rng rng;
    size_t token_seq; /* request number, for the {$token} values */
    size_t current;   /* the campaign request being judged (1-based) */
    char nonce[37];   /* per campaign: a rerun against the same server never repeats a token */
    char **keys;      /* "check\nstatus\ncode" of each finding, in r->findings order */
} fz;

void fz_input_cleanup(fz_input *in);
CF_WUR cf_rc fz_input_copy(const fz_input *in, fz_input *out);
void fz_slot_cleanup(fz_slot *s);

/* Builds the request of s->in and sets the step's expectation from the validator's verdict on
 * the bytes that will be sent. s->built stays 0 when the input cannot be built (a mutated
 * template): not an error. CF_E_NOMEM only. */
CF_WUR cf_rc fz_prepare(fz *f, fz_slot *s);
/* Finishes the response and runs every check on it into `c` (a fresh case result). */
CF_WUR cf_rc fz_judge(fz *f, fz_slot *s, cf_case_result *c);
/* Sends one prepared slot alone and waits for its answer (minimisation). */
CF_WUR cf_rc fz_send_one(fz *f, fz_slot *s);

/* Looks at every failed check of `c` (the verdicts on slot `s`): a new (check, status, code)
 * is minimised and recorded as a finding, a known one counted. */
CF_WUR cf_rc fz_findings_note(fz *f, fz_slot *s, const cf_case_result *c);
void fz_findings_free_keys(fz *f);

#endif
