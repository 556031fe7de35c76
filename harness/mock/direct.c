/* direct.c - answer templates rendered straight to JSON text, byte for byte what expanding the
 * template into a cJSON tree (answer.c expand) and printing it would give: compiled at start
 * into literal text and slots where the template allows, else walked node by node. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/json.h"
#include "mock/internal.h"

/* Why: expanding a template into a tree, fixing its values and printing it cost most of an
 * answer's time. A compiled template is its JSON text cut at the generators: an answer copies
 * the text and fills the slots. */

#define DIRECT_MAX (64u * 1024u * 1024u)  /* one directly rendered body, in bytes */
#define DIRECT_DEPTH 200                  /* as deep as cf_template_expand_json goes */
#define SCRATCH_MAX (16u * 1024u * 1024u) /* one string's expansion, as in template.c */
#define DIRECT_FIRST 1024u                /* bytes reserved before a walk */
#define GEN_NAME_MAX 128u                 /* a generator's name, as template.c bounds it */

typedef enum {
    SEG_TEXT,  /* JSON text, copied */
    SEG_GEN,   /* a generator's output inside a JSON string, escaped */
    SEG_PLAIN, /* the same for a generator whose output never needs escaping */
    SEG_VALUE, /* a value placeholder ({$size}, {$request:..}): the value, or null */
} seg_kind;

typedef struct {
    seg_kind kind;
    char *text; /* SEG_TEXT: the text; else the generator's name */
    size_t len;
    char *arg; /* "" when none; NULL for SEG_TEXT */
} segment;

struct cf_mock_compiled {
    segment *segs;
    size_t count;
    size_t text_len; /* of the SEG_TEXT parts: what an answer reserves */
};

/* A template string that is exactly a value placeholder ({$size}, {$request:..},
 * {$resource:..}): *known 1 and its value (NULL when absent); *drops 1 when an absent value
 * removes its object member (answer.c value_fixup's rules). With g NULL only *known and *drops
 * (whether it could) are set. */
static const cJSON *whole_value(const cf_mock_gen *g, const char *s, int *known, int *drops)
{
    char name[32], arg[CF_PATH_MAX];
    *known = *drops = 0;
    if (s[0] != '{' || s[1] != '$' ||
        !cf_mock_whole_placeholder(s, name, sizeof(name), arg, sizeof(arg)))
        return NULL;
    if (!g) {
        *known = !strcmp(name, "size") || !strcmp(name, "request") || !strcmp(name, "resource");
        *drops = *known && strcmp(name, "size") != 0;
        return NULL;
    }
    const cJSON *v = cf_mock_placeholder_value(g, name, arg, known);
    *drops = *known && !v && strcmp(name, "size") != 0;
    return v;
}

/* ---- the walk: any template without repeated member names ------------------------------------ */

typedef struct {
    const cf_mock_gen *g;
    cf_tmpl_ctx ctx;
    cf_buf *out;
    cf_buf scratch; /* one string's expansion */
    char *err;
    size_t errlen;
} walk;

static cf_rc walk_node(walk *w, const cJSON *t, int depth)
{
    if (depth > DIRECT_DEPTH) {
        snprintf(w->err, w->errlen, "template nested too deeply");
        return CF_E_TOO_DEEP;
    }
    if (cJSON_IsString(t)) {
        int known = 0, drops = 0;
        const cJSON *v = whole_value(w->g, t->valuestring, &known, &drops);
        if (known)
            return v ? cf_json_add(w->out, v) : cf_buf_adds(w->out, "null");
        if (!strchr(t->valuestring, '{'))
            return cf_json_add_string(w->out, t->valuestring);
        cf_buf_reset(&w->scratch);
        cf_rc rc = cf_template_expand(t->valuestring, &w->ctx, &w->scratch, w->err, w->errlen);
        return rc == CF_OK ? cf_json_add_string(w->out, cf_buf_str(&w->scratch)) : rc;
    }
    if (!cJSON_IsArray(t) && !cJSON_IsObject(t))
        return cf_json_add(w->out, t);
    int object = cJSON_IsObject(t), first = 1;
    cf_rc rc = cf_buf_addc(w->out, object ? '{' : '[');
    for (const cJSON *c = t->child; rc == CF_OK && c; c = c->next) {
        int known = 0, drops = 0;
        if (object && cJSON_IsString(c))
            (void)whole_value(w->g, c->valuestring, &known, &drops);
        if (drops)
            continue;
        if (!first)
            rc = cf_buf_addc(w->out, ',');
        first = 0;
        if (rc == CF_OK && object)
            rc = cf_json_add_string(w->out, c->string);
        if (rc == CF_OK && object)
            rc = cf_buf_addc(w->out, ':');
        if (rc == CF_OK)
            rc = walk_node(w, c, depth + 1);
    }
    return rc == CF_OK ? cf_buf_addc(w->out, object ? '}' : ']') : rc;
}

int cf_mock_direct_ok(const cJSON *t)
{
    if (!cJSON_IsArray(t) && !cJSON_IsObject(t))
        return 1;
    for (const cJSON *c = t->child; c; c = c->next) {
        for (const cJSON *d = cJSON_IsObject(t) ? c->next : NULL; d; d = d->next)
            if (strcmp(c->string, d->string) == 0)
                return 0;
        if (!cf_mock_direct_ok(c))
            return 0;
    }
    return 1;
}

/* ---- compiling ------------------------------------------------------------------------------ */

typedef struct {
    cf_mock_compiled *c;
    cf_buf text; /* literal text not yet made a segment */
    size_t cap;
    /* the generators one string's expansion met, at their offsets in it */
    struct {
        size_t at;
        char *name, *arg;
    } found[16];
    size_t found_count;
    int failed; /* a generator the compiled form cannot hold */
} compiler;

static cf_rc add_segment(compiler *k, seg_kind kind, const char *text, size_t len, const char *arg)
{
    cf_mock_compiled *c = k->c;
    segment *grown = cf_array_reserve(c->segs, &k->cap, c->count, sizeof(*grown), 8);
    if (!grown)
        return CF_E_NOMEM;
    c->segs = grown;
    segment *s = &c->segs[c->count];
    s->kind = kind;
    s->len = len;
    s->text = malloc(len + 1);
    s->arg = arg ? malloc(strlen(arg) + 1) : NULL;
    if (!s->text || (arg && !s->arg)) {
        free(s->text);
        free(s->arg);
        return CF_E_NOMEM;
    }
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    if (arg)
        memcpy(s->arg, arg, strlen(arg) + 1);
    c->count++;
    if (kind == SEG_TEXT)
        c->text_len += len;
    return CF_OK;
}

/* Makes the pending literal text a segment. */
static cf_rc flush(compiler *k)
{
    if (k->text.len == 0)
        return CF_OK;
    cf_rc rc = add_segment(k, SEG_TEXT, k->text.ptr, k->text.len, NULL);
    cf_buf_reset(&k->text);
    return rc;
}

/* The generator callback while compiling: notes where each {$name:arg} stands, adds nothing. */
static cf_rc note(void *user, const char *name, const char *arg, cf_buf *out)
{
    compiler *k = user;
    size_t i = k->found_count;
    if (i == sizeof(k->found) / sizeof(k->found[0])) {
        k->failed = 1;
        return CF_OK;
    }
    k->found[i].at = out->len;
    k->found[i].name = malloc(strlen(name) + 1);
    k->found[i].arg = malloc(strlen(arg) + 1);
    if (!k->found[i].name || !k->found[i].arg) {
        free(k->found[i].name);
        free(k->found[i].arg);
        return CF_E_NOMEM;
    }
    memcpy(k->found[i].name, name, strlen(name) + 1);
    memcpy(k->found[i].arg, arg, strlen(arg) + 1);
    k->found_count++;
    return CF_OK;
}

/* The mock's generators that write only ids, hex and timestamps: nothing for JSON to escape. */
static int plain(const char *name)
{
    static const char *const names[] = {"id", "created_at", "expiry", "signature", "request_id"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* A string with placeholders: its variables filled in now, its generators left as slots. */
static cf_rc compile_string(compiler *k, const cf_mock *m, const char *s)
{
    cf_tmpl_ctx ctx = {cf_secrets_vars(&m->secrets), NULL, note, k};
    cf_buf x;
    cf_buf_init(&x, SCRATCH_MAX);
    char err[CF_ERR_MAX] = "";
    k->found_count = 0;
    cf_rc rc = cf_template_expand(s, &ctx, &x, err, sizeof(err));
    if (rc != CF_OK && rc != CF_E_NOMEM) {
        k->failed = 1; /* it fails at every answer too: the walk says how */
        rc = CF_OK;
    }
    size_t from = 0;
    rc = rc == CF_OK ? cf_buf_addc(&k->text, '"') : rc;
    for (size_t i = 0; rc == CF_OK && !k->failed && i <= k->found_count; i++) {
        size_t to = i < k->found_count ? k->found[i].at : x.len;
        char *piece = x.ptr ? x.ptr + from : (char *)"";
        char keep = x.ptr ? piece[to - from] : '\0';
        if (x.ptr)
            piece[to - from] = '\0';
        rc = cf_json_add_chars(&k->text, piece);
        if (x.ptr)
            piece[to - from] = keep;
        from = to;
        if (rc == CF_OK && i < k->found_count && (rc = flush(k)) == CF_OK)
            rc = add_segment(k, plain(k->found[i].name) ? SEG_PLAIN : SEG_GEN, k->found[i].name,
                             strlen(k->found[i].name), k->found[i].arg);
    }
    for (size_t i = 0; i < k->found_count; i++) {
        free(k->found[i].name);
        free(k->found[i].arg);
    }
    cf_buf_free(&x);
    return rc == CF_OK ? cf_buf_addc(&k->text, '"') : rc;
}

static cf_rc compile_node(compiler *k, const cf_mock *m, const cJSON *t, int in_object, int depth)
{
    if (depth > DIRECT_DEPTH) {
        k->failed = 1;
        return CF_OK;
    }
    if (cJSON_IsString(t)) {
        int known = 0, drops = 0;
        (void)whole_value(NULL, t->valuestring, &known, &drops);
        if (known && drops && in_object) {
            k->failed = 1; /* a member that may vanish: the walk handles its comma */
            return CF_OK;
        }
        if (known) {
            char name[32], arg[CF_PATH_MAX];
            (void)cf_mock_whole_placeholder(t->valuestring, name, sizeof(name), arg, sizeof(arg));
            cf_rc rc = flush(k);
            return rc == CF_OK ? add_segment(k, SEG_VALUE, name, strlen(name), arg) : rc;
        }
        if (!strchr(t->valuestring, '{'))
            return cf_json_add_string(&k->text, t->valuestring);
        return compile_string(k, m, t->valuestring);
    }
    if (!cJSON_IsArray(t) && !cJSON_IsObject(t))
        return cf_json_add(&k->text, t);
    int object = cJSON_IsObject(t);
    cf_rc rc = cf_buf_addc(&k->text, object ? '{' : '[');
    for (const cJSON *c = t->child; rc == CF_OK && !k->failed && c; c = c->next) {
        if (c != t->child)
            rc = cf_buf_addc(&k->text, ',');
        if (rc == CF_OK && object)
            rc = cf_json_add_string(&k->text, c->string);
        if (rc == CF_OK && object)
            rc = cf_buf_addc(&k->text, ':');
        if (rc == CF_OK)
            rc = compile_node(k, m, c, object, depth + 1);
    }
    return rc == CF_OK ? cf_buf_addc(&k->text, object ? '}' : ']') : rc;
}

void cf_mock_compiled_free(cf_mock_compiled *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++) {
        free(c->segs[i].text);
        free(c->segs[i].arg);
    }
    free(c->segs);
    free(c);
}

cf_rc cf_mock_compile(const cf_mock *m, const cJSON *tmpl, cf_mock_compiled **out)
{
    *out = NULL;
    if (!cf_mock_direct_ok(tmpl))
        return CF_OK;
    compiler k;
    memset(&k, 0, sizeof(k));
    k.c = calloc(1, sizeof(*k.c));
    if (!k.c)
        return CF_E_NOMEM;
    cf_buf_init(&k.text, DIRECT_MAX);
    cf_rc rc = compile_node(&k, m, tmpl, 0, 0);
    if (rc == CF_OK && !k.failed)
        rc = flush(&k);
    cf_buf_free(&k.text);
    if (rc != CF_OK || k.failed) {
        cf_mock_compiled_free(k.c);
        return rc;
    }
    *out = k.c;
    return CF_OK;
}

/* ---- rendering ------------------------------------------------------------------------------ */

/* A generator slot: the mock's generators, else the built-ins ({$uuid}, {$now}, {$repeat}). */
static cf_rc fill(const cf_mock_gen *g, const segment *s, cf_buf *scratch, char *err, size_t errlen)
{
    cf_rc rc = cf_mock_generate((void *)g, s->text, s->arg, scratch);
    if (rc != CF_E_NOT_FOUND) {
        if (rc != CF_OK)
            snprintf(err, errlen, "generator {$%s} failed: %s", s->text, cf_strerror(rc));
        return rc;
    }
    char again[GEN_NAME_MAX + CF_PATH_MAX + 8];
    snprintf(again, sizeof(again), s->arg[0] ? "{$%s:%s}" : "{$%s}", s->text, s->arg);
    cf_tmpl_ctx builtins = {NULL, NULL, NULL, NULL};
    return cf_template_expand(again, &builtins, scratch, err, errlen);
}

static cf_rc render_compiled(const cf_mock_gen *g, const cf_mock_compiled *c, cf_buf *out,
                             cf_buf *scratch, char *err, size_t errlen)
{
    cf_rc rc = cf_buf_reserve(out, c->text_len + 256);
    for (size_t i = 0; rc == CF_OK && i < c->count; i++) {
        const segment *s = &c->segs[i];
        if (s->kind == SEG_TEXT) {
            rc = cf_buf_add(out, s->text, s->len);
        } else if (s->kind == SEG_PLAIN) {
            rc = cf_mock_generate((void *)g, s->text, s->arg, out);
        } else if (s->kind == SEG_GEN) {
            cf_buf_reset(scratch);
            rc = fill(g, s, scratch, err, errlen);
            if (rc == CF_OK)
                rc = cf_json_add_chars(out, cf_buf_str(scratch));
        } else {
            int known = 0;
            const cJSON *v = cf_mock_placeholder_value(g, s->text, s->arg, &known);
            rc = v ? cf_json_add(out, v) : cf_buf_adds(out, "null");
        }
    }
    return rc;
}

cf_rc cf_mock_render_direct(const cf_mock_gen *g, const cf_mock_compiled *c, const cJSON *tmpl,
                            char **body, size_t *len, char *err, size_t errlen)
{
    cf_buf out;
    cf_buf_init(&out, DIRECT_MAX);
    walk w = {g,    {cf_secrets_vars(&g->m->secrets), NULL, cf_mock_generate, (void *)g},
              &out, {0},
              err,  errlen};
    cf_buf_init(&w.scratch, SCRATCH_MAX);
    if (errlen)
        err[0] = '\0';
    /* room for a generator's usual output: one allocation for all of them */
    cf_rc rc = cf_buf_reserve(&w.scratch, 256);
    if (rc == CF_OK)
        rc = c ? render_compiled(g, c, &out, &w.scratch, err, errlen)
               : cf_buf_reserve(&out, DIRECT_FIRST);
    if (rc == CF_OK && !c)
        rc = walk_node(&w, tmpl, 0);
    cf_buf_free(&w.scratch);
    *len = out.len;
    *body = rc == CF_OK ? cf_buf_take(&out) : NULL;
    cf_buf_free(&out);
    if (rc == CF_OK && !*body)
        rc = CF_E_NOMEM; /* a rendered body is never empty: at least "null" */
    if (rc != CF_OK && err[0] == '\0')
        snprintf(err, errlen, "the answer template does not render: %s", cf_strerror(rc));
    return rc;
}
