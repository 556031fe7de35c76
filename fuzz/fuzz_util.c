/* fuzz_util.c - what the fuzz targets share: input reader, generators, the bundled specs and
 * the secrets of a spec (the only calls of the redactor API in fuzz/). */
#include "fuzz_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/secrets.h"
#include "check/checks.h"
#include "check/record.h"
#include "contract/openapi.h"
#include "contract/schema.h"
#include "contract/vars.h"
#include "fuzz_specs.h"

/* Generated texts are far below their buffers' bounds; a failed add only shortens a text on
 * both sides of a comparison alike. */
static void ignore(cf_rc rc)
{
    (void)rc;
}

void cf_fuzz_fail(const char *target, const char *what, const char *detail)
{
    fprintf(stderr, "%s: %s%s%s\n", target, what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* ---- reading the input ------------------------------------------------------------------- */

unsigned cf_fuzz_next(cf_fuzz_input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

/* ---- generators -------------------------------------------------------------------------- */

char cf_fuzz_text_byte(cf_fuzz_input *in)
{
    char c = (char)cf_fuzz_next(in);
    return c == '\0' ? '0' : c == 'S' ? 's' : c;
}

void cf_fuzz_gen_text(cf_fuzz_input *in, const cf_fuzz_values *v, cf_buf *tmpl, cf_buf *want)
{
    unsigned pieces = cf_fuzz_next(in) % 5;
    for (unsigned i = 0; i < pieces; i++) {
        unsigned kind = cf_fuzz_next(in) % 6;
        const char *name = NULL, *value = NULL;
        switch (kind) {
        case 2:
            name = "{region}", value = v->region;
            break;
        case 3:
            name = "{bearer}", value = v->bearer;
            break;
        case 4:
            name = "{bearer_alt}", value = v->bearer_alt;
            break;
        case 5:
            name = "{@cap}", value = v->cap;
            break;
        default: {
            unsigned len = cf_fuzz_next(in) % 17;
            for (unsigned k = 0; k < len; k++) {
                char c = cf_fuzz_text_byte(in);
                ignore(cf_buf_add(tmpl, c == '{' ? "{{" : &c, c == '{' ? 2 : 1));
                ignore(cf_buf_addc(want, c));
            }
            continue;
        }
        }
        ignore(cf_buf_adds(tmpl, name));
        ignore(cf_buf_adds(want, value));
    }
}

char *cf_fuzz_gen_value(cf_fuzz_input *in, const char *prefix, unsigned max)
{
    cf_buf b;
    cf_buf_init(&b, CF_FUZZ_TEXT_MAX);
    ignore(cf_buf_adds(&b, prefix));
    unsigned len = cf_fuzz_next(in) % (max + 1);
    for (unsigned i = 0; i < len; i++)
        ignore(cf_buf_addc(&b, cf_fuzz_text_byte(in)));
    char *s = cf_buf_take(&b);
    return s ? s : calloc(1, 1);
}

/* One small table, so set/remove meet the members the bodies have (and need RFC 6901
 * escapes). */
const char *const cf_fuzz_keys[] = {"ContentType",
                                    "AttachmentName",
                                    "ClientToken",
                                    "AttachmentSizeInBytes",
                                    "k",
                                    "a/b",
                                    "t~",
                                    "Deep",
                                    ""};
const size_t cf_fuzz_key_count = sizeof(cf_fuzz_keys) / sizeof(cf_fuzz_keys[0]);

static cJSON *gen_number(cf_fuzz_input *in)
{
    unsigned kind = cf_fuzz_next(in) % 3;
    if (kind == 0)
        return cJSON_CreateNumber((double)(int8_t)cf_fuzz_next(in));
    if (kind == 1) {
        uint32_t u = cf_fuzz_next(in) | cf_fuzz_next(in) << 8 | cf_fuzz_next(in) << 16 |
                     (uint32_t)cf_fuzz_next(in) << 24;
        return cJSON_CreateNumber((double)(int32_t)u);
    }
    /* As a spec file writes it: digits, sign, point and exponent, parsed by cJSON. */
    char text[16];
    unsigned len = 1 + cf_fuzz_next(in) % 10;
    static const char alphabet[] = "0123456789-.e+";
    for (unsigned i = 0; i < len; i++)
        text[i] = alphabet[cf_fuzz_next(in) % (sizeof(alphabet) - 1)];
    cJSON *n = cJSON_ParseWithLength(text, len);
    if (!cJSON_IsNumber(n) || !isfinite(n->valuedouble)) {
        /* Not a JSON number, or one a double cannot hold (the loader's business, not ours). */
        cJSON_Delete(n);
        n = cJSON_CreateNumber(1);
    }
    return n;
}

int cf_fuzz_gen_tree(cf_fuzz_input *in, const cf_fuzz_values *v, int depth, cJSON **tmpl,
                     cJSON **want)
{
    unsigned kind = cf_fuzz_next(in) % (depth >= CF_FUZZ_TREE_DEPTH ? 5 : 7);
    *tmpl = *want = NULL;
    switch (kind) {
    case 0:
        *tmpl = cJSON_CreateNull(), *want = cJSON_CreateNull();
        break;
    case 1: {
        int b = (int)(cf_fuzz_next(in) & 1);
        *tmpl = cJSON_CreateBool(b), *want = cJSON_CreateBool(b);
        break;
    }
    case 2:
        *tmpl = gen_number(in);
        *want = cJSON_Duplicate(*tmpl, 0);
        break;
    case 5:
    case 6: {
        int object = kind == 6;
        *tmpl = object ? cJSON_CreateObject() : cJSON_CreateArray();
        *want = object ? cJSON_CreateObject() : cJSON_CreateArray();
        unsigned n = cf_fuzz_next(in) % 4;
        for (unsigned i = 0; i < n && *tmpl && *want; i++) {
            const char *key = cf_fuzz_keys[cf_fuzz_next(in) % cf_fuzz_key_count];
            if (object && cJSON_GetObjectItemCaseSensitive(*tmpl, key))
                continue; /* unique keys, as a spec file has them */
            cJSON *t, *w;
            if (!cf_fuzz_gen_tree(in, v, depth + 1, &t, &w)) {
                cJSON_Delete(t);
                cJSON_Delete(w);
                break;
            }
            if (object) {
                cJSON_AddItemToObject(*tmpl, key, t);
                cJSON_AddItemToObject(*want, key, w);
            } else {
                cJSON_AddItemToArray(*tmpl, t);
                cJSON_AddItemToArray(*want, w);
            }
        }
        break;
    }
    default: {
        cf_buf t, w;
        cf_buf_init(&t, CF_FUZZ_TEXT_MAX);
        cf_buf_init(&w, CF_FUZZ_TEXT_MAX);
        cf_fuzz_gen_text(in, v, &t, &w);
        *tmpl = cJSON_CreateString(cf_buf_str(&t));
        *want = cJSON_CreateString(cf_buf_str(&w));
        cf_buf_free(&t);
        cf_buf_free(&w);
        break;
    }
    }
    return *tmpl && *want;
}

/* ---- secrets ----------------------------------------------------------------------------- */

int cf_fuzz_secrets_find(const cf_secrets *s, const char *text)
{
    return text && cf_secrets_finds(s, text, strlen(text));
}

char *cf_fuzz_record_request(const cf_api *api, const cf_request *q, const cf_secrets *s)
{
    return cf_record_request(api, q, s);
}

char *cf_fuzz_record_curl(const cf_api *api, const cf_request *q, const cf_secrets *s)
{
    return cf_record_curl(api, q, s);
}

char *cf_fuzz_record_response(const cf_response *r, const cf_secrets *s)
{
    return cf_record_response(r, s);
}

cf_rc cf_fuzz_response_read(cf_response *r, const cf_api *api, const uint8_t *bytes, size_t len)
{
    cf_response_init(r, CF_MAX_RESPONSE_BODY); /* the CLI's default --max-body */
    cf_rc rc = cf_response_parse_raw(r, (const char *)bytes, len);
    if (rc != CF_OK && r->status == 0) {
        /* Nothing usable came: the runner records a transport failure instead. */
        r->transport_rc = CF_E_TRANSPORT;
        snprintf(r->transport_error, sizeof(r->transport_error), "no HTTP response: %s",
                 cf_strerror(rc));
    }
    cf_response_finish(r, api);
    return rc;
}

cf_rc cf_fuzz_checks_run(const cf_fuzz_spec *s, const cf_fuzz_step *ps, const cf_response *r,
                         cf_case_result *out)
{
    cf_tmpl_ctx ctx = {cf_secrets_vars(&s->secrets), ps->captures, cf_fuzz_token, NULL};
    /* A fixed clock (2026-01-01) keeps verdicts on timestamps reproducible. */
    cf_check_input in = {s->api,      ps->step->op, ps->step, &ps->request,   r,
                         &s->secrets, &ctx,         "fuzz",   1767225600000LL};
    return cf_checks_run(&in, out);
}

/* ---- the bundled specs ------------------------------------------------------------------- */

static cf_fuzz_spec bundled[CF_FUZZ_SPEC_COUNT];

cf_rc cf_fuzz_token(void *user, const char *name, const char *arg, cf_buf *out)
{
    (void)user;
    (void)arg;
    return strcmp(name, "token") == 0 ? cf_buf_adds(out, CF_FUZZ_TOKEN) : CF_E_NOT_FOUND;
}

/* Binds every capture of each case to a stand-in and builds each step's request, as the
 * runner would send it. */
static void prepare_steps(const char *target, cf_fuzz_spec *p)
{
    size_t total = 0;
    for (size_t c = 0; c < p->suite->case_count; c++)
        total += p->suite->cases[c].step_count;
    p->steps = calloc(total ? total : 1, sizeof(*p->steps));
    p->captures = calloc(p->suite->case_count ? p->suite->case_count : 1, sizeof(*p->captures));
    if (!p->steps || !p->captures)
        cf_fuzz_fail(target, p->name, "out of memory");
    char base[256], err[512];
    for (size_t c = 0; c < p->suite->case_count; c++) {
        const cf_case *cs = &p->suite->cases[c];
        for (size_t s = 0; s < cs->step_count; s++)
            for (const cJSON *cap = cs->steps[s].capture ? cs->steps[s].capture->child : NULL; cap;
                 cap = cap->next)
                if (cf_bindings_set(&p->captures[c], cap->string, "conform-fuzz-capture", 0) !=
                    CF_OK)
                    cf_fuzz_fail(target, p->name, "out of memory");
        cf_tmpl_ctx ctx = {cf_secrets_vars(&p->secrets), &p->captures[c], cf_fuzz_token, NULL};
        cf_buf url;
        cf_buf_init(&url, sizeof(base));
        if (cf_template_expand(p->api->servers[0].url, &ctx, &url, err, sizeof(err)) != CF_OK)
            cf_fuzz_fail(target, p->name, err);
        snprintf(base, sizeof(base), "%s", cf_buf_str(&url));
        cf_buf_free(&url);
        for (size_t s = 0; s < cs->step_count; s++) {
            cf_fuzz_step *ps = &p->steps[p->step_count];
            if (cf_request_build(p->api, &cs->steps[s], base, &ctx, &ps->request, err,
                                 sizeof(err)) != CF_OK)
                continue; /* e.g. a raw body that is meant not to build; not a response test */
            ps->step = &cs->steps[s];
            ps->captures = &p->captures[c];
            p->step_count++;
        }
    }
    if (p->step_count == 0)
        cf_fuzz_fail(target, p->name, "no case step builds a request");
}

void cf_fuzz_load(const char *target, unsigned what)
{
    for (size_t i = 0; i < CF_FUZZ_SPEC_COUNT; i++) {
        cf_fuzz_spec *p = &bundled[i];
        p->name = cf_fuzz_specs[i].name;
        cf_diags d;
        cf_diags_init(&d);
        if (cf_suite_load_v1_mem(p->name, cf_fuzz_specs[i].bytes, cf_fuzz_specs[i].len, &p->suite,
                                 &d) != CF_OK) {
            for (size_t k = 0; k < d.count && k < 5; k++)
                fprintf(stderr, "%s:%s: %s\n", p->name, d.items[k].path, d.items[k].message);
            cf_fuzz_fail(target, p->name, "the bundled spec does not load");
        }
        cf_diags_cleanup(&d);
        p->api = p->suite->api;
        if (!(what & (CF_FUZZ_VARS | CF_FUZZ_STEPS)))
            continue;
        char err[512] = "";
        if (cf_vars_resolve_api(p->api, NULL, &p->secrets, err, sizeof(err)) != CF_OK)
            cf_fuzz_fail(target, p->name, err);
        if (what & CF_FUZZ_STEPS)
            prepare_steps(target, p);
    }
}

size_t cf_fuzz_spec_count(void)
{
    return CF_FUZZ_SPEC_COUNT;
}

const cf_fuzz_spec *cf_fuzz_pick(unsigned selector)
{
    return &bundled[selector % CF_FUZZ_SPEC_COUNT];
}

const cf_fuzz_step *cf_fuzz_pick_step(const cf_fuzz_spec *s, unsigned selector)
{
    return &s->steps[(size_t)(selector / CF_FUZZ_SPEC_COUNT) % s->step_count];
}

void cf_fuzz_openapi(const char *target, const uint8_t *data, size_t size)
{
    if (size > CF_MAX_CONTRACT_FILE)
        return; /* the CLI refuses such a file before parsing it */
    cf_diags diags;
    cf_diags_init(&diags);
    cf_api *api = NULL;
    cf_rc rc = cf_openapi_load_mem(NULL, (const char *)data, size, &api, &diags);
    if ((rc == CF_OK) != (api != NULL))
        cf_fuzz_fail(target, "contract", "an api exactly when the load succeeds");
    if (rc != CF_OK && cf_diags_total(&diags) == 0)
        cf_fuzz_fail(target, "contract", "a failed load says why");
    for (size_t i = 0; i < diags.count; i++)
        if (!diags.items[i].path || !diags.items[i].message || !diags.items[i].file)
            cf_fuzz_fail(target, "diagnostic", "file, path and message are set");
    for (size_t i = 0; api && i < api->operation_count; i++) {
        const cf_api_operation *op = &api->operations[i];
        if (!op->id || !op->method || !op->path)
            cf_fuzz_fail(target, "operation", "id, method and path are set");
        for (size_t b = 0; b < op->body_count; b++)
            if (op->bodies[b].schema.compiled && op->bodies[b].example)
                (void)cf_schema_check(op->bodies[b].schema.compiled, op->bodies[b].example,
                                      CF_SCHEMA_REQUEST, "", NULL);
        (void)cf_api_response_for(op, 200);
    }
    cf_api_free(api);
    cf_diags_cleanup(&diags);
}
