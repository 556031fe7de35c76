/* list.c - the list of generated items: the one door an item enters by (named, judged by the
 * validator, capped), the context of one schema's generation, and the writer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "gen/internal.h"

/* FNV-1a: mixes an input's name into the seed. */
static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

const char *cf_gen_kind_name(cf_gen_kind k)
{
    return k == CF_GEN_POSITIVE ? "positive" : k == CF_GEN_BOUNDARY ? "boundary" : "negative";
}

const char *cf_gen_in_name(cf_gen_in in)
{
    static const char *const names[] = {"body", "path", "query", "header"};
    return (unsigned)in < 4 ? names[in] : "body";
}

void cf_gen_list_cleanup(cf_gen_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].name);
        free(l->items[i].param);
        free(l->items[i].raw);
        cJSON_Delete(l->items[i].value);
    }
    free(l->items);
    cf_diags_cleanup(&l->notes);
    cJSON_Delete(l->base);
    memset(l, 0, sizeof *l);
}

const cf_gen_item *cf_gen_list_find(const cf_gen_list *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

void gen_note(gen_ctx *c, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char name[CF_PATH_MAX];
    snprintf(name, sizeof name, "%s%s%s", c->in != CF_GEN_IN_BODY || !*path ? c->root_name : "",
             c->in != CF_GEN_IN_BODY && *path ? "." : "", path);
    cf_diags_add(&c->out->notes, NULL, name, "%s", msg);
}

/* Names are "<root>.<rule>" at the root, "<path>.<rule>" below it for a body ("<root>.<path>.
 * <rule>" for a parameter, so every parameter's items sit under "query.name"). */
static char *item_name(gen_ctx *c, const char *path, const char *rule)
{
    cf_buf b;
    cf_buf_init(&b, CF_PATH_MAX * 2);
    int prefix = c->in != CF_GEN_IN_BODY || !*path;
    cf_rc rc = cf_buf_addf(&b, "%s%s%s%s%s", prefix ? c->root_name : "", prefix && *path ? "." : "",
                           path, rule ? "." : "", rule ? rule : "");
    char *s = rc == CF_OK ? cf_buf_take(&b) : NULL;
    cf_buf_free(&b);
    return s;
}

/* 1 when this input already has an item of that name. */
static int taken(gen_ctx *c, const char *name)
{
    uint64_t h = fnv(name, strlen(name));
    for (size_t i = 0; i < c->n_names; i++)
        if (c->names[i] == h && cf_gen_list_find(c->out, name))
            return 1;
    return 0;
}

/* A schema with a key twice ("properties" with one member twice) would give two items one
 * name: the later ones get "#2", "#3", ... so names stay unique. */
static char *unique(gen_ctx *c, char *name)
{
    for (unsigned k = 2; name && taken(c, name) && k < 1000; k++) {
        char *base = name;
        size_t n = strlen(base);
        char *hash = strrchr(base, '#');
        if (hash && k > 2)
            n = (size_t)(hash - base);
        name = malloc(n + 8);
        if (name)
            snprintf(name, n + 8, "%.*s#%u", (int)n, base, k);
        free(base);
    }
    if (name && c->n_names < c->opt.max_items)
        c->names[c->n_names++] = fnv(name, strlen(name));
    return name;
}

/* Adds a finished item; takes name, value and raw (freed on failure). */
static void add(gen_ctx *c, cf_gen_item *it)
{
    cf_gen_list *l = c->out;
    if (!(it->name = unique(c, it->name))) {
        c->rc = CF_E_NOMEM;
        goto fail;
    }
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        cf_gen_item *items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            c->rc = CF_E_NOMEM;
            goto fail;
        }
        l->items = items;
        l->cap = cap;
    }
    if (c->param && !(it->param = cf_strdup(c->param))) {
        c->rc = CF_E_NOMEM;
        goto fail;
    }
    it->in = c->in;
    l->items[l->count++] = *it;
    return;
fail:
    free(it->name);
    free(it->raw);
    cJSON_Delete(it->value);
}

static int admit(gen_ctx *c, cf_gen_kind kind)
{
    if (c->rc != CF_OK || c->full ||
        (kind == CF_GEN_NEGATIVE && (c->opt.no_negative || c->in_branch)))
        return 0;
    if (c->produced >= c->opt.max_items) {
        c->full = 1;
        c->out->capped++;
        gen_note(c, "", "stopped at %zu items (max_items): the rest is not generated",
                 c->opt.max_items);
        return 0;
    }
    c->produced++;
    return 1;
}

void gen_emit(gen_ctx *c, cf_gen_kind kind, const char *path, const char *rule, const cJSON *base,
              const char *at, cJSON *value, int random)
{
    cJSON *inst = NULL;
    if (!admit(c, kind)) {
        cJSON_Delete(value);
        return;
    }
    if (!*at) {
        inst = value;
    } else {
        inst = cJSON_Duplicate(base, 1);
        cf_rc rc = !inst   ? CF_E_NOMEM
                   : value ? cf_json_pointer_set(inst, at, value)
                           : cf_json_pointer_remove(inst, at);
        if (!inst || rc != CF_OK) {
            if (!inst)
                cJSON_Delete(value);
            cJSON_Delete(inst);
            return; /* no such place in this base: nothing to vary */
        }
    }
    if (!inst)
        return;
    int valid = kind != CF_GEN_NEGATIVE;
    /* The oracle: a user never gets an item whose expected outcome the validator denies. */
    if ((cf_schema_check(c->oracle, inst, c->opt.direction, "", NULL) == 0) != valid) {
        c->out->dropped++;
        cJSON_Delete(inst);
        return;
    }
    cf_gen_item it = {0};
    it.kind = kind;
    it.valid = valid;
    it.random = random;
    it.value = inst;
    if (!(it.name = item_name(c, path, rule))) {
        c->rc = CF_E_NOMEM;
        cJSON_Delete(inst);
        return;
    }
    add(c, &it);
}

void gen_emit_raw(gen_ctx *c, const char *path, const char *rule, const char *raw, size_t len)
{
    cJSON *parsed = NULL;
    if (!admit(c, CF_GEN_NEGATIVE))
        return;
    if (cf_json_parse(raw, len, CF_MAX_JSON_DEPTH, &parsed, NULL) == CF_OK) {
        cJSON_Delete(parsed);
        c->out->dropped++;
        return;
    }
    cf_gen_item it = {0};
    it.kind = CF_GEN_NEGATIVE;
    it.raw = cf_strndup(raw, len);
    it.name = item_name(c, path, rule);
    if (!it.raw || !it.name) {
        c->rc = CF_E_NOMEM;
        free(it.raw);
        free(it.name);
        return;
    }
    it.raw_len = len;
    add(c, &it);
}

void gen_emit_absent(gen_ctx *c, cf_gen_kind kind, const char *rule)
{
    if (!admit(c, kind))
        return;
    cf_gen_item it = {0};
    it.kind = kind;
    it.valid = kind != CF_GEN_NEGATIVE;
    it.absent = 1;
    if (!(it.name = item_name(c, "", rule))) {
        c->rc = CF_E_NOMEM;
        return;
    }
    add(c, &it);
}

cf_rc gen_ctx_init(gen_ctx *c, const cJSON *schema, const char *root, cf_gen_in in,
                   const char *param, const cf_gen_options *opt, cf_gen_list *out)
{
    memset(c, 0, sizeof *c);
    if (opt)
        c->opt = *opt;
    if (!c->opt.max_items)
        c->opt.max_items = CF_GEN_MAX_ITEMS;
    if (c->opt.max_depth <= 0)
        c->opt.max_depth = CF_GEN_MAX_DEPTH;
    c->root = c->opt.document ? c->opt.document : schema;
    c->oas30 = c->opt.dialect == CF_SCHEMA_OAS30;
    c->out = out;
    c->root_name = root;
    c->in = in;
    c->param = param;
    /* Each input draws its own sequence, so adding a parameter leaves the others' values. */
    cf_rng_seed(&c->rng, c->opt.seed ^ fnv(root, strlen(root)));
    cf_schema_options so = {c->opt.dialect, c->opt.document};
    c->scratch = cJSON_CreateArray();
    c->names = calloc(c->opt.max_items, sizeof *c->names);
    if (!c->scratch || !c->names)
        return CF_E_NOMEM;
    return cf_schema_compile(schema, &so, &c->oracle);
}

void gen_ctx_cleanup(gen_ctx *c)
{
    cJSON_Delete(c->scratch);
    cf_schema_free(c->oracle);
    free(c->names);
}

cf_rc cf_gen_list_write(const cf_gen_list *l, cf_buf *out)
{
    cf_rc rc = CF_OK;
    for (size_t i = 0; i < l->count && rc == CF_OK; i++) {
        const cf_gen_item *it = &l->items[i];
        cJSON *line = cJSON_CreateObject();
        if (!line)
            return CF_E_NOMEM;
        cJSON_AddStringToObject(line, "name", it->name);
        cJSON_AddStringToObject(line, "kind", cf_gen_kind_name(it->kind));
        cJSON_AddBoolToObject(line, "valid", it->valid);
        cJSON_AddStringToObject(line, "in", cf_gen_in_name(it->in));
        if (it->param)
            cJSON_AddStringToObject(line, "param", it->param);
        if (it->absent)
            cJSON_AddTrueToObject(line, "absent");
        if (it->random)
            cJSON_AddTrueToObject(line, "random");
        if (it->raw)
            cJSON_AddStringToObject(line, "raw", it->raw);
        else if (it->value)
            cJSON_AddItemReferenceToObject(line, "value", it->value);
        rc = line ? cf_json_append_line(out, line, 0) : CF_E_NOMEM;
        cJSON_Delete(line);
    }
    return rc;
}
