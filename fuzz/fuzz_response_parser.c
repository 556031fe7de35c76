/* fuzz_response_parser.c - libFuzzer target: raw HTTP response bytes -> cf_response_parse_raw,
 * cf_response_finish (envelope classification) and cf_checks_run, as the runner judges a
 * response, plus the redacted record a report would print.
 *
 * Input: byte 0 picks the bundled spec (bit 0) and the case step whose expectations apply
 * (the other bits); the rest is the response as it came off the wire. The specs, their
 * variables and the requests of every step are built once in LLVMFuzzerInitialize and only
 * read afterwards: no state passes from one input to the next. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/checks.h"
#include "base/limits.h"
#include "fuzz_specs.h"
#include "check/record.h"
#include "base/secrets.h"
#include "http/request.h"
#include "http/response.h"
#include "check/result.h"
#include "contract/spec.h"
#include "contract/template.h"
#include "contract/vars.h"

/* One step of a bundled case with the request the runner would have sent for it. */
typedef struct {
    const cf_step *step;
    cf_request request;
    const cf_bindings *captures; /* every name the case captures, bound to a stand-in */
} prepared_step;

typedef struct {
    cf_spec *spec;
    cf_secrets redactor;   /* the spec's variables, secrets masked */
    cf_bindings *captures; /* one per case */
    prepared_step *steps;
    size_t step_count;
} prepared_spec;

static prepared_spec prepared[CF_FUZZ_SPEC_COUNT];

/* The runner's {$token}; a fixed value keeps runs reproducible. */
static cf_rc token_generator(void *user, const char *name, const char *arg, cf_buf *out)
{
    (void)user;
    (void)arg;
    if (strcmp(name, "token") != 0)
        return CF_E_NOT_FOUND;
    return cf_buf_adds(out, "conform-fuzz-token");
}

static void die(const char *what, const char *name)
{
    fprintf(stderr, "fuzz_response_parser: %s: %s\n", name, what);
    abort();
}

static void prepare(prepared_spec *p, const char *name, const char *bytes, size_t len)
{
    cf_diags d;
    cf_diags_init(&d);
    if (cf_spec_load_mem(name, bytes, len, &p->spec, &d) != CF_OK) {
        for (size_t i = 0; i < d.count && i < 5; i++)
            fprintf(stderr, "%s:%s: %s\n", name, d.items[i].path, d.items[i].message);
        die("the bundled spec does not load", name);
    }
    cf_diags_cleanup(&d);
    char err[512];
    if (cf_vars_resolve(p->spec, NULL, &p->redactor, err, sizeof(err)) != CF_OK)
        die(err, name);
    size_t total = 0;
    for (size_t c = 0; c < p->spec->case_count; c++)
        total += p->spec->cases[c].step_count;
    p->steps = calloc(total ? total : 1, sizeof(*p->steps));
    p->captures = calloc(p->spec->case_count ? p->spec->case_count : 1, sizeof(*p->captures));
    if (!p->steps || !p->captures)
        die("out of memory", name);
    char base[256];
    for (size_t c = 0; c < p->spec->case_count; c++) {
        const cf_case *cs = &p->spec->cases[c];
        for (size_t s = 0; s < cs->step_count; s++)
            for (const cJSON *cap = cs->steps[s].capture ? cs->steps[s].capture->child : NULL; cap;
                 cap = cap->next)
                if (cf_bindings_set(&p->captures[c], cap->string, "conform-fuzz-capture", 0) !=
                    CF_OK)
                    die("out of memory", name);
        cf_tmpl_ctx ctx = {cf_secrets_vars(&p->redactor), &p->captures[c], token_generator, NULL};
        cf_buf url;
        cf_buf_init(&url, sizeof(base));
        if (cf_template_expand(p->spec->server_url, &ctx, &url, err, sizeof(err)) != CF_OK)
            die(err, name);
        snprintf(base, sizeof(base), "%s", cf_buf_str(&url));
        cf_buf_free(&url);
        for (size_t s = 0; s < cs->step_count; s++) {
            prepared_step *ps = &p->steps[p->step_count];
            if (cf_request_build(p->spec, &cs->steps[s], base, &ctx, &ps->request, err,
                                 sizeof(err)) != CF_OK)
                continue; /* e.g. a raw body that is meant not to build; not a response test */
            ps->step = &cs->steps[s];
            ps->captures = &p->captures[c];
            p->step_count++;
        }
    }
    if (p->step_count == 0)
        die("no case step builds a request", name);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < CF_FUZZ_SPEC_COUNT; i++)
        prepare(&prepared[i], cf_fuzz_specs[i].name, cf_fuzz_specs[i].bytes, cf_fuzz_specs[i].len);
    return 0;
}

/* What the parser promises about a response whatever the bytes were. */
static void check_parsed(const cf_response *r, cf_rc rc)
{
    if (rc == CF_OK && (r->status < 100 || r->status > 999))
        abort();
    if (r->body.len > CF_MAX_RESPONSE_BODY || (r->body.len && !r->body.ptr))
        abort();
    if (r->header_bytes > CF_MAX_RESPONSE_HEADERS || r->headers.count > CF_MAX_HEADER_COUNT)
        abort();
    for (size_t i = 0; i < r->headers.count; i++) {
        const cf_header *h = &r->headers.items[i];
        if (!cf_http_is_token(h->name, strlen(h->name)) || strpbrk(h->value, "\r\n"))
            abort(); /* a header that would split a line when written out again */
    }
    if ((r->json != NULL) != (r->json_rc == CF_OK))
        abort();
    if (r->error_code_owned && r->error_code != r->error_code_owned)
        abort();
    if (r->error_code_owned && strchr(r->error_code_owned, ':'))
        abort(); /* the AWS rule drops everything from the first ':' */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const prepared_spec *p = &prepared[data[0] % CF_FUZZ_SPEC_COUNT];
    const prepared_step *ps = &p->steps[(size_t)(data[0] / CF_FUZZ_SPEC_COUNT) % p->step_count];
    const char *bytes = (const char *)data + 1;
    size_t len = size - 1;

    cf_response r;
    cf_response_init(&r, CF_MAX_RESPONSE_BODY); /* the CLI's default --max-body */
    cf_rc rc = cf_response_parse_raw(&r, bytes, len);
    if (rc != CF_OK && r.status == 0) {
        /* Nothing usable came: the runner records a transport failure instead. */
        r.transport_rc = CF_E_TRANSPORT;
        snprintf(r.transport_error, sizeof(r.transport_error), "no HTTP response: %s",
                 cf_strerror(rc));
    }
    cf_response_finish(&r, p->spec);
    check_parsed(&r, rc);

    cf_run_result run = {0};
    cf_case_result *res = cf_run_result_add_case(&run);
    cf_tmpl_ctx ctx = {cf_secrets_vars(&p->redactor), ps->captures, token_generator, NULL};
    cf_check_input in = {p->spec,      ps->step, &ps->request, &r,
                         &p->redactor, &ctx,     "fuzz",       1767225600000LL};
    if (res && cf_checks_run(&in, res) == CF_OK) {
        /* Every verdict is redacted text: no secret variable's value may remain. */
        for (size_t i = 0; i < res->check_count; i++) {
            const cf_check_result *c = &res->checks[i];
            if ((c->actual && cf_secrets_finds(&p->redactor, c->actual, strlen(c->actual))) ||
                (c->expected && cf_secrets_finds(&p->redactor, c->expected, strlen(c->expected))))
                abort();
        }
    }
    /* NULL is for allocation failure only: any response within the bounds has a record. */
    char *record = cf_record_response(&r, &p->redactor);
    if (!record) {
        fprintf(stderr, "fuzz_response_parser: no record for a response within the bounds\n");
        abort();
    }
    if (cf_secrets_finds(&p->redactor, record, strlen(record)))
        abort();
    free(record);
    cf_run_result_cleanup(&run);
    cf_response_cleanup(&r);
    return 0;
}
