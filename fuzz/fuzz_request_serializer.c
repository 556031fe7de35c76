/* fuzz_request_serializer.c - libFuzzer target: a case built from the input -> cf_request_build,
 * held to invariants, not only to "no crash":
 *   - a header carrying CR or LF (from a literal, a variable or a capture) is refused, never sent;
 *   - every header, the URL and the body are exactly what the case said (the JSON body parses
 *     back to the case's tree, in order);
 *   - a secret's value appears only where the case placed it, and in no form (as is, JSON- or
 *     shell-escaped, or as the record escapes control bytes) in the redacted request record or
 *     curl line that reports print.
 * Any violation calls abort().
 *
 * Input, read front to back (missing bytes read as 0): the spec and the modes, the variables'
 * values (secrets always start with "S3cr" and no other text can hold an 'S', so a secret's
 * forms never occur by chance), the step's headers, then the body: the spec's
 * example or a tree of our own with `set`/`remove` applied, a raw body, or none. The model of
 * what cf_request_build must produce is computed here independently of request.c.
 * CONFORM_FUZZ_SHOW=1 prints the request record and curl line of every input (to read a
 * finding); CONFORM_FUZZ_RAW_SECRETS=1 is described below. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/limits.h"
#include "fuzz_specs.h"
#include "http/http.h"
#include "base/json.h"
#include "check/record.h"
#include "base/secrets.h"
#include "http/request.h"
#include "contract/spec.h"
#include "contract/template.h"

#define TEXT_MAX 4096u       /* bytes of one generated template or its expansion */
#define MAX_HEADERS 16u      /* operation headers + step headers modelled */
#define TREE_DEPTH 3         /* nesting of generated bodies and set values */
#define SECRET_PREFIX "S3cr" /* every secret starts with it; nothing else can contain 'S' */

static cf_spec *specs[CF_FUZZ_SPEC_COUNT];
/* CONFORM_FUZZ_RAW_SECRETS=1: look for secrets as is only, not for their escaped forms (to
 * keep fuzzing the other invariants while a known escaped-form leak is being fixed). */
static int raw_secrets_only;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < CF_FUZZ_SPEC_COUNT; i++) {
        cf_diags d;
        cf_diags_init(&d);
        if (cf_spec_load_mem(cf_fuzz_specs[i].name, cf_fuzz_specs[i].bytes, cf_fuzz_specs[i].len,
                             &specs[i], &d) != CF_OK) {
            for (size_t k = 0; k < d.count && k < 5; k++)
                fprintf(stderr, "%s:%s: %s\n", cf_fuzz_specs[i].name, d.items[k].path,
                        d.items[k].message);
            fprintf(stderr, "fuzz_request_serializer: a bundled spec does not load\n");
            abort();
        }
        cf_diags_cleanup(&d);
    }
    const char *raw = getenv("CONFORM_FUZZ_RAW_SECRETS");
    raw_secrets_only = raw && strcmp(raw, "1") == 0;
    return 0;
}

/* Generated texts are far below their buffers' bounds; a failed add only shortens a text on
 * both sides of the comparison alike. */
static void ignore(cf_rc rc)
{
    (void)rc;
}

/* ---- reading the input ------------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n;
} input;

static unsigned next(input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

/* A byte of generated text: never NUL (C strings), never 'S' (reserved for secrets). */
static char text_byte(input *in)
{
    char c = (char)next(in);
    return c == '\0' ? '0' : c == 'S' ? 's' : c;
}

/* The values placeholders stand for; owned by the bindings below. */
typedef struct {
    const char *region, *bearer, *bearer_alt, *cap;
} values;

/* Appends a template to `tmpl` and what it must expand to to `want`: literal runs (a '{' is
 * written "{{"), {region}, {bearer}, {bearer_alt} and {@cap}. Out-of-room is ignored: both
 * sides are bounded alike and the texts stay far below the bounds. */
static void gen_text(input *in, const values *v, cf_buf *tmpl, cf_buf *want)
{
    unsigned pieces = next(in) % 5;
    for (unsigned i = 0; i < pieces; i++) {
        unsigned kind = next(in) % 6;
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
            unsigned len = next(in) % 17;
            for (unsigned k = 0; k < len; k++) {
                char c = text_byte(in);
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

/* A value of up to `max` text bytes after `prefix`, into a new string. */
static char *gen_value(input *in, const char *prefix, unsigned max)
{
    cf_buf b;
    cf_buf_init(&b, TEXT_MAX);
    ignore(cf_buf_adds(&b, prefix));
    unsigned len = next(in) % (max + 1);
    for (unsigned i = 0; i < len; i++)
        ignore(cf_buf_addc(&b, text_byte(in)));
    char *s = cf_buf_take(&b);
    return s ? s : calloc(1, 1);
}

/* Keys of generated objects and the pointers of set/remove come from one small table, so
 * set/remove meet the members the bodies have (and need RFC 6901 escapes). */
static const char *const keys[] = {"ContentType",
                                   "AttachmentName",
                                   "ClientToken",
                                   "AttachmentSizeInBytes",
                                   "k",
                                   "a/b",
                                   "t~",
                                   "Deep",
                                   ""};
#define KEY_COUNT (sizeof(keys) / sizeof(keys[0]))

/* Builds a template tree and, alongside, the tree it must expand to; 0 when out of memory. */
static int gen_tree(input *in, const values *v, int depth, cJSON **tmpl, cJSON **want);

static cJSON *gen_number(input *in)
{
    unsigned kind = next(in) % 3;
    if (kind == 0)
        return cJSON_CreateNumber((double)(int8_t)next(in));
    if (kind == 1) {
        uint32_t u = next(in) | next(in) << 8 | next(in) << 16 | (uint32_t)next(in) << 24;
        return cJSON_CreateNumber((double)(int32_t)u);
    }
    /* As a spec file writes it: digits, sign, point and exponent, parsed by cJSON. */
    char text[16];
    unsigned len = 1 + next(in) % 10;
    static const char alphabet[] = "0123456789-.e+";
    for (unsigned i = 0; i < len; i++)
        text[i] = alphabet[next(in) % (sizeof(alphabet) - 1)];
    cJSON *n = cJSON_ParseWithLength(text, len);
    if (!cJSON_IsNumber(n) || !isfinite(n->valuedouble)) {
        /* Not a JSON number, or one a double cannot hold (the loader's business, not ours). */
        cJSON_Delete(n);
        n = cJSON_CreateNumber(1);
    }
    return n;
}

static int gen_tree(input *in, const values *v, int depth, cJSON **tmpl, cJSON **want)
{
    unsigned kind = next(in) % (depth >= TREE_DEPTH ? 5 : 7);
    *tmpl = *want = NULL;
    switch (kind) {
    case 0:
        *tmpl = cJSON_CreateNull(), *want = cJSON_CreateNull();
        break;
    case 1: {
        int b = (int)(next(in) & 1);
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
        unsigned n = next(in) % 4;
        for (unsigned i = 0; i < n && *tmpl && *want; i++) {
            const char *key = keys[next(in) % KEY_COUNT];
            if (object && cJSON_GetObjectItemCaseSensitive(*tmpl, key))
                continue; /* unique keys, as a spec file has them */
            cJSON *t, *w;
            if (!gen_tree(in, v, depth + 1, &t, &w)) {
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
        cf_buf_init(&t, TEXT_MAX);
        cf_buf_init(&w, TEXT_MAX);
        gen_text(in, v, &t, &w);
        *tmpl = cJSON_CreateString(cf_buf_str(&t));
        *want = cJSON_CreateString(cf_buf_str(&w));
        cf_buf_free(&t);
        cf_buf_free(&w);
        break;
    }
    }
    return *tmpl && *want;
}

/* ---- the model of the request ------------------------------------------------------------ */

typedef struct {
    const char *name;
    char *value;
} model_header;

typedef struct {
    int ok; /* 0: cf_request_build must refuse the case (CF_E_INVALID) */
    char *url;
    model_header headers[MAX_HEADERS];
    size_t header_count;
    cJSON *body;    /* JSON body the request must carry (modes 0 and 1) */
    char *raw_body; /* raw body (mode 2) */
} model;

static int has_line_break(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

/* A pointer token: its key in `keys` escaped per RFC 6901 into `out`. */
static void escape_key(const char *key, cf_buf *out)
{
    for (; *key; key++)
        ignore(*key == '~'   ? cf_buf_adds(out, "~0")
               : *key == '/' ? cf_buf_adds(out, "~1")
                             : cf_buf_addc(out, *key));
}

static cJSON *member(cJSON *object, const char *key)
{
    for (cJSON *c = object ? object->child : NULL; c; c = c->next)
        if (c->string && strcmp(c->string, key) == 0)
            return c;
    return NULL;
}

/* `set` of RFC 6901 on objects, one or two levels deep; takes `value`. 0 when the pointer
 * names no place (a member on the way is not an object). */
static int model_set(cJSON *root, const char *k1, const char *k2, cJSON *value)
{
    cJSON *parent = root;
    const char *key = k1;
    if (k2) {
        cJSON *m = member(root, k1);
        if (!m) {
            cJSON *chain = cJSON_CreateObject();
            if (!chain) {
                cJSON_Delete(value);
                return 0;
            }
            cJSON_AddItemToObject(chain, k2, value);
            cJSON_AddItemToObject(root, k1, chain);
            return 1;
        }
        if (!cJSON_IsObject(m)) {
            cJSON_Delete(value);
            return 0;
        }
        parent = m;
        key = k2;
    }
    if (member(parent, key)) /* replaces the first member of that name, keeping its place */
        return cJSON_ReplaceItemInObjectCaseSensitive(parent, key, value)
                   ? 1
                   : (cJSON_Delete(value), 0);
    cJSON_AddItemToObject(parent, key, value);
    return 1;
}

static void model_remove(cJSON *root, const char *k1, const char *k2)
{
    cJSON *parent = root;
    if (k2) {
        parent = member(root, k1);
        if (!cJSON_IsObject(parent))
            return; /* absent, an array without that index, or a scalar: nothing to remove */
    }
    cJSON *m = member(parent, k2 ? k2 : k1);
    if (m)
        cJSON_Delete(cJSON_DetachItemViaPointer(parent, m));
}

/* Ordered, exact comparison: serializing then parsing must give back the same tree. */
static int same_tree(const cJSON *a, const cJSON *b)
{
    if (!a || !b)
        return a == b;
    if ((a->type & 0xff) != (b->type & 0xff))
        return 0;
    if ((a->string == NULL) != (b->string == NULL) ||
        (a->string && strcmp(a->string, b->string) != 0))
        return 0;
    if (cJSON_IsNumber(a))
        return a->valuedouble == b->valuedouble;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
        if (!same_tree(x, y))
            return 0;
    return x == NULL && y == NULL;
}

/* ---- secrets in records ------------------------------------------------------------------ */

static int contains(const char *hay, const char *needle)
{
    return hay && needle && *needle && strstr(hay, needle) != NULL;
}

/* The forms a secret takes in what reports print: as is, JSON-escaped (in a JSON body),
 * shell-quoted (curl line), control bytes as \xNN (request record). None may remain. */
static void check_secret(const char *secret, const char *record, const char *curl)
{
    cf_buf forms[5];
    for (size_t i = 0; i < 5; i++)
        cf_buf_init(&forms[i], TEXT_MAX * 8);
    ignore(cf_buf_adds(&forms[0], secret));
    cJSON *str = cJSON_CreateString(secret);
    char *json = str ? cJSON_PrintUnformatted(str) : NULL;
    if (json && strlen(json) >= 2)
        ignore(cf_buf_add(&forms[1], json + 1, strlen(json) - 2));
    cJSON_free(json);
    cJSON_Delete(str);
    for (size_t f = 0; f < 2; f++) {
        const cf_buf *from = &forms[f];
        for (size_t i = 0; i < from->len; i++)
            ignore(from->ptr[i] == '\'' ? cf_buf_adds(&forms[2 + f], "'\\''")
                                        : cf_buf_addc(&forms[2 + f], from->ptr[i]));
    }
    for (const char *c = secret; *c; c++) {
        unsigned char u = (unsigned char)*c;
        ignore((u < 0x20 && u != '\n' && u != '\t') || u == 0x7f
                   ? cf_buf_addf(&forms[4], "\\x%02x", u)
                   : cf_buf_addc(&forms[4], *c));
    }
    static const char *const form_names[] = {"as is", "JSON-escaped", "shell-quoted",
                                             "JSON-escaped and shell-quoted",
                                             "with control bytes as \\xNN"};
    for (size_t i = 0; i < 5; i++) {
        if ((i == 0 || !raw_secrets_only) &&
            (contains(record, cf_buf_str(&forms[i])) || contains(curl, cf_buf_str(&forms[i])))) {
            fprintf(stderr,
                    "fuzz_request_serializer: a secret, %s, escaped redaction:\n"
                    "--- request record ---\n%s\n--- curl line ---\n%s\n",
                    form_names[i], record, curl);
            abort();
        }
        cf_buf_free(&forms[i]);
    }
}

/* ---- the target -------------------------------------------------------------------------- */

/* Reports what differs between the request built and the model, then aborts. */
static void mismatch(const char *what, const char *got, const char *want)
{
    fprintf(stderr, "fuzz_request_serializer: %s differs from the case\n  got:  %s\n  want: %s\n",
            what, got ? got : "(none)", want ? want : "(none)");
    abort();
}

static void check_request(const cf_spec *spec, const model *m, const cf_request *q, int mode)
{
    if (!q->method || strcmp(q->method, spec->op.method) != 0)
        mismatch("the method", q->method, spec->op.method);
    if (!q->url || strcmp(q->url, m->url) != 0)
        mismatch("the URL", q->url, m->url);
    for (size_t i = 0; i < q->headers.count; i++) {
        const cf_header *h = &q->headers.items[i];
        if (has_line_break(h->name) || has_line_break(h->value))
            mismatch("a header with CR/LF (injection)", h->value, NULL);
        if (i >= m->header_count)
            mismatch("an extra header", h->name, NULL);
        if (strcmp(h->name, m->headers[i].name) != 0 || strcmp(h->value, m->headers[i].value) != 0)
            mismatch(h->name, h->value, m->headers[i].value);
    }
    if (q->headers.count != m->header_count)
        mismatch("a missing header", NULL, m->headers[q->headers.count].name);
    if (mode == 3) {
        if (q->body || q->body_len)
            mismatch("the absent body", q->body, NULL);
    } else if (mode == 2) {
        if (!q->body || q->body_len != strlen(m->raw_body) || strcmp(q->body, m->raw_body) != 0)
            mismatch("the raw body", q->body, m->raw_body);
    } else {
        cJSON *back = NULL;
        char *want = cJSON_PrintUnformatted(m->body);
        if (!q->body || q->body_len != strlen(q->body))
            mismatch("the body length", q->body, want);
        if (cf_json_parse(q->body, q->body_len, CJSON_NESTING_LIMIT, &back, NULL) != CF_OK)
            mismatch("the body (not JSON)", q->body, want);
        if (!same_tree(back, m->body))
            mismatch("the JSON body", q->body, want);
        cJSON_free(want);
        cJSON_Delete(back);
    }
}

/* The runner's {$token}, fixed so that the model knows it. */
static cf_rc token_generator(void *user, const char *name, const char *arg, cf_buf *out)
{
    (void)user;
    (void)arg;
    return strcmp(name, "token") == 0 ? cf_buf_adds(out, "conform-fuzz-token") : CF_E_NOT_FOUND;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* Everything one input allocates; zero-initialised, freed by case_cleanup(). */
typedef struct {
    cf_bindings vars, caps;
    char *region, *bearer, *bearer_alt, *cap;
    cJSON *headers, *set, *remove, *body;
    cf_buf tmpl, want, raw;
    cf_request q;
    cf_secrets red;
    model m;
    char *record, *curl;
} fuzz_case;

static void case_cleanup(fuzz_case *c)
{
    cf_request_cleanup(&c->q);
    cf_secrets_cleanup(&c->red);
    for (size_t i = 0; i < c->m.header_count; i++)
        free(c->m.headers[i].value);
    cJSON_Delete(c->m.body);
    free(c->m.url);
    cJSON_Delete(c->headers);
    cJSON_Delete(c->set);
    cJSON_Delete(c->remove);
    cJSON_Delete(c->body);
    cf_buf_free(&c->tmpl);
    cf_buf_free(&c->want);
    cf_buf_free(&c->raw);
    cf_bindings_cleanup(&c->vars);
    cf_bindings_cleanup(&c->caps);
    free(c->region);
    free(c->bearer);
    free(c->bearer_alt);
    free(c->cap);
    free(c->record);
    free(c->curl);
}

/* The model's URL: the expanded base without trailing '/', then the operation's path. */
static int model_url(fuzz_case *c, const cf_spec *spec)
{
    const char *w = cf_buf_str(&c->want);
    size_t len = strlen(w);
    if (strpbrk(w, "\r\n \t"))
        c->m.ok = 0;
    while (len && w[len - 1] == '/')
        len--;
    size_t n = len + strlen(spec->op.path) + 1;
    c->m.url = malloc(n);
    if (!c->m.url)
        return 0;
    snprintf(c->m.url, n, "%.*s%s", (int)len, w, spec->op.path);
    return 1;
}

static const char *const header_names[] = {"X-Amz-Bearer", "x-amz-bearer", "content-type",
                                           "Accept",       "X-Trace",      "X-Other",
                                           "Bad Name",     "Bad:Name",     ""};
#define HEADER_NAME_COUNT (sizeof(header_names) / sizeof(header_names[0]))

/* Step headers (a name from the table, null or a template), and the model's header list:
 * the operation's headers the step does not name (case-insensitively), then the step's. */
static int gen_headers(fuzz_case *c, input *in, const values *v, const cf_spec *spec,
                       const cf_tmpl_ctx *ctx)
{
    char *step_want[MAX_HEADERS] = {0};
    unsigned n = next(in) % 5;
    int ok = 1;
    for (unsigned i = 0; i < n && ok; i++) {
        const char *name = header_names[next(in) % HEADER_NAME_COUNT];
        cJSON *item = NULL;
        if (next(in) % 4 == 0) {
            item = cJSON_CreateNull();
        } else {
            cf_buf_reset(&c->tmpl);
            cf_buf_reset(&c->want);
            gen_text(in, v, &c->tmpl, &c->want);
            item = cJSON_CreateString(cf_buf_str(&c->tmpl));
            step_want[i] = dup_str(cf_buf_str(&c->want));
            ok = step_want[i] != NULL;
        }
        if (!item || !ok) {
            cJSON_Delete(item);
            ok = 0;
            break;
        }
        cJSON_AddItemToObject(c->headers, name, item);
    }
    for (const cJSON *h = spec->op.headers ? spec->op.headers->child : NULL; ok && h; h = h->next) {
        int overridden = 0;
        for (const cJSON *s = c->headers->child; s; s = s->next)
            overridden |= strcasecmp(s->string, h->string) == 0;
        if (overridden || !cJSON_IsString(h))
            continue;
        cf_buf_reset(&c->want);
        char err[256];
        if (cf_template_expand(h->valuestring, ctx, &c->want, err, sizeof(err)) != CF_OK)
            ok = 0;
        c->m.headers[c->m.header_count].name = h->string;
        c->m.headers[c->m.header_count++].value = dup_str(cf_buf_str(&c->want));
    }
    unsigned i = 0;
    for (const cJSON *s = c->headers->child; ok && s; s = s->next, i++) {
        if (!step_want[i])
            continue; /* null: the header is dropped */
        c->m.headers[c->m.header_count].name = s->string;
        c->m.headers[c->m.header_count++].value = step_want[i];
        step_want[i] = NULL;
    }
    for (i = 0; i < MAX_HEADERS; i++)
        free(step_want[i]);
    for (size_t k = 0; k < c->m.header_count; k++) {
        const model_header *h = &c->m.headers[k];
        if (!h->value)
            return 0;
        if (!cf_http_is_token(h->name, strlen(h->name)) || has_line_break(h->value))
            c->m.ok = 0; /* cf_request_build must refuse it: header injection or a bad name */
    }
    return ok;
}

/* A JSON body (the example, or an object of our own) with `set` then `remove` applied, the
 * order request.c documents. */
static int gen_json_body(fuzz_case *c, input *in, const values *v, const cf_spec *spec,
                         const cf_tmpl_ctx *ctx, cf_step *step, int own)
{
    char err[256];
    if (!own) {
        if (cf_template_expand_json(spec->op.example, ctx, &c->m.body, err, sizeof(err)) != CF_OK)
            return 0;
    } else {
        step->body = c->body = cJSON_CreateObject();
        c->m.body = cJSON_CreateObject();
        if (!c->body || !c->m.body)
            return 0;
        unsigned n = next(in) % 5;
        for (unsigned i = 0; i < n; i++) {
            const char *key = keys[next(in) % KEY_COUNT];
            cJSON *t, *w;
            if (member(c->body, key))
                continue;
            if (!gen_tree(in, v, 1, &t, &w)) {
                cJSON_Delete(t);
                cJSON_Delete(w);
                return 0;
            }
            cJSON_AddItemToObject(c->body, key, t);
            cJSON_AddItemToObject(c->m.body, key, w);
        }
    }
    unsigned sets = next(in) % 4, removes = next(in) % 3;
    const char *removed[4][2];
    for (unsigned i = 0; i < sets + removes; i++) {
        const char *k1 = keys[next(in) % KEY_COUNT];
        const char *k2 = next(in) % 3 == 0 ? "x" : NULL;
        cf_buf ptr;
        cf_buf_init(&ptr, 256);
        ignore(cf_buf_addc(&ptr, '/'));
        escape_key(k1, &ptr);
        if (k2)
            ignore(cf_buf_adds(&ptr, "/x"));
        int ok = 1;
        if (i < sets) {
            cJSON *t, *w;
            if (member(c->set, cf_buf_str(&ptr))) {
                /* one value per pointer, as in a spec file */
            } else if (!gen_tree(in, v, 1, &t, &w)) {
                cJSON_Delete(t);
                cJSON_Delete(w);
                ok = 0;
            } else {
                cJSON_AddItemToObject(c->set, cf_buf_str(&ptr), t);
                if (!c->m.ok)
                    cJSON_Delete(w); /* already refused: the body no longer matters */
                else if (!model_set(c->m.body, k1, k2, w))
                    c->m.ok = 0; /* no such place in the body: the build must fail */
            }
        } else {
            cJSON *s = cJSON_CreateString(cf_buf_str(&ptr));
            ok = s != NULL;
            if (s)
                cJSON_AddItemToArray(c->remove, s);
            removed[i - sets][0] = k1;
            removed[i - sets][1] = k2;
        }
        cf_buf_free(&ptr);
        if (!ok)
            return 0;
    }
    for (unsigned i = 0; c->m.ok && i < removes; i++)
        model_remove(c->m.body, removed[i][0], removed[i][1]);
    step->set = c->set;
    step->remove = c->remove;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {data, size};
    unsigned first = next(&in);
    const cf_spec *spec = specs[first % CF_FUZZ_SPEC_COUNT];
    int mode = (int)(first >> 1) & 3;    /* 0 example, 1 own body, 2 raw body, 3 no body */
    int own_url = (int)(first >> 3) & 1; /* 0: the spec's server URL; 1: "https://" + text */

    fuzz_case c;
    memset(&c, 0, sizeof(c));
    cf_buf_init(&c.tmpl, TEXT_MAX);
    cf_buf_init(&c.want, TEXT_MAX);
    cf_buf_init(&c.raw, TEXT_MAX);
    c.m.ok = 1;
    cf_step step;
    memset(&step, 0, sizeof(step));
    char base[TEXT_MAX + 64];
    char err[512];

    /* Variables and one capture, as the runner binds them. */
    c.region = gen_value(&in, "", 12);
    c.bearer = gen_value(&in, SECRET_PREFIX, 16);
    c.bearer_alt = gen_value(&in, SECRET_PREFIX, 16);
    c.cap = gen_value(&in, "", 12);
    c.headers = cJSON_CreateObject();
    c.set = cJSON_CreateObject();
    c.remove = cJSON_CreateArray();
    if (!c.region || !c.bearer || !c.bearer_alt || !c.cap || !c.headers || !c.set || !c.remove ||
        cf_bindings_set(&c.vars, "region", c.region, 0) != CF_OK ||
        cf_bindings_set(&c.vars, "bearer", c.bearer, 1) != CF_OK ||
        cf_bindings_set(&c.vars, "bearer_alt", c.bearer_alt, 1) != CF_OK ||
        cf_bindings_set(&c.caps, "cap", c.cap, 0) != CF_OK ||
        cf_secrets_init(&c.red, &c.vars) != CF_OK)
        goto out;
    values v = {c.region, c.bearer, c.bearer_alt, c.cap};
    cf_tmpl_ctx ctx = {&c.vars, &c.caps, token_generator, NULL};

    /* The URL. */
    if (own_url) {
        ignore(cf_buf_adds(&c.tmpl, "https://"));
        ignore(cf_buf_adds(&c.want, "https://"));
        gen_text(&in, &v, &c.tmpl, &c.want);
    } else {
        ignore(cf_buf_adds(&c.tmpl, spec->server_url));
        if (cf_template_expand(spec->server_url, &ctx, &c.want, err, sizeof(err)) != CF_OK)
            goto out;
    }
    snprintf(base, sizeof(base), "%s", cf_buf_str(&c.tmpl));
    if (!model_url(&c, spec))
        goto out;

    if (!gen_headers(&c, &in, &v, spec, &ctx))
        goto out;
    step.headers = c.headers;

    if (mode == 3) {
        step.no_body = 1;
    } else if (mode == 2) {
        cf_buf_reset(&c.tmpl);
        gen_text(&in, &v, &c.tmpl, &c.raw);
        step.raw_body = cf_buf_str(&c.tmpl);
        c.m.raw_body = (char *)cf_buf_str(&c.raw);
    } else if (!gen_json_body(&c, &in, &v, spec, &ctx, &step, mode == 1)) {
        goto out;
    }

    cf_rc rc = cf_request_build(spec, &step, base, &ctx, &c.q, err, sizeof(err));
    if (!c.m.ok) {
        if (rc != CF_E_INVALID || c.q.method || c.q.url || c.q.body || c.q.headers.count)
            abort(); /* a case that must be refused was sent, or left a half-built request */
        goto out;
    }
    if (rc != CF_OK) {
        fprintf(stderr, "fuzz_request_serializer: a valid case was refused: %s\n", err);
        abort();
    }
    check_request(spec, &c.m, &c.q, mode);

    c.record = cf_record_request(spec, &c.q, &c.red);
    c.curl = cf_record_curl(spec, &c.q, &c.red);
    if (!c.record || !c.curl)
        abort(); /* requests this small always have a record */
    if (getenv("CONFORM_FUZZ_SHOW"))
        fprintf(stderr, "--- request record ---\n%s\n--- curl line ---\n%s\n", c.record, c.curl);
    check_secret(c.bearer, c.record, c.curl);
    check_secret(c.bearer_alt, c.record, c.curl);
out:
    case_cleanup(&c);
    return 0;
}
