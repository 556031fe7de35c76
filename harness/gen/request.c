/* request.c - the generator's entry points: one schema's items, and a whole request's (body,
 * malformed bodies, path, query and header parameters) with a valid base for every input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "gen/internal.h"

/* Bodies that are not JSON at all; the truncated minimal body is added beside them. */
static const struct {
    const char *rule, *text;
} raw_bodies[] = {
    {"raw.empty", ""},
    {"raw.not-json", "conform"},
    {"raw.unclosed", "{"},
    {"raw.trailing-comma", "{\"a\":1,}"},
    {"raw.single-quotes", "{'a':1}"},
    {"raw.unquoted-key", "{a:1}"},
    {"raw.bad-escape", "{\"a\":\"\\q\"}"},
    {"raw.nan", "{\"a\":NaN}"},
    {"raw.comment", "{/*c*/}"},
    {"raw.two-values", "{}{}"},
};

static void raw_items(gen_ctx *c, const cJSON *base)
{
    /* Half of an object or array never parses; half of a scalar may ("1.1" -> "1"). */
    char *text = cJSON_IsObject(base) || cJSON_IsArray(base) ? cJSON_PrintUnformatted(base) : NULL;
    if (text && strlen(text) >= 2)
        gen_emit_raw(c, "", "raw.truncated", text, strlen(text) / 2);
    free(text);
    for (size_t i = 0; i < sizeof raw_bodies / sizeof raw_bodies[0]; i++)
        gen_emit_raw(c, "", raw_bodies[i].rule, raw_bodies[i].text, strlen(raw_bodies[i].text));
}

/* One input's items; *base_out (may be NULL) gets its minimal valid value. */
static cf_rc generate(const cJSON *schema, const char *root, cf_gen_in in, const char *param,
                      int required, const cf_gen_options *opt, cf_gen_list *out, cJSON **base_out)
{
    gen_ctx c;
    cJSON *base = NULL;
    cf_rc rc = gen_ctx_init(&c, schema, root, in, param, opt, out);
    if (rc != CF_OK)
        goto out;
    base = gen_value(&c, schema, 0, NULL, 0);
    if (!base) {
        gen_note(&c, "", "no valid value could be built: only malformed bodies are generated");
    } else {
        gen_emit(&c, CF_GEN_POSITIVE, "", "minimal", NULL, "", cJSON_Duplicate(base, 1), 0);
        gen_walk(&c, schema, "", base, "", 0);
        /* A scalar root already had its "random" from the walk. */
        char name[CF_PATH_MAX];
        snprintf(name, sizeof name, "%s.random", root);
        if (!cf_gen_list_find(out, name))
            gen_emit(&c, CF_GEN_POSITIVE, "", "random", NULL, "",
                     gen_value(&c, schema, 0, &c.rng, 0), 1);
    }
    if (in == CF_GEN_IN_BODY)
        raw_items(&c, base);
    else if (required)
        gen_emit_absent(&c, CF_GEN_NEGATIVE, "missing");
    else
        gen_emit_absent(&c, CF_GEN_POSITIVE, "absent");
    rc = c.rc;
out:
    gen_ctx_cleanup(&c);
    if (base_out && rc == CF_OK)
        *base_out = base;
    else
        cJSON_Delete(base);
    return rc;
}

cf_rc cf_gen_schema(const cJSON *schema, const char *root, cf_gen_in in, const char *param,
                    const cf_gen_options *opt, cf_gen_list *out)
{
    if (!schema || !root || !out)
        return CF_E_INVALID;
    return generate(schema, root, in, param, 1, opt, out, NULL);
}

cf_rc cf_gen_request_items(const cf_gen_request *req, const cf_gen_options *opt, cf_gen_list *out)
{
    if (!req || !out)
        return CF_E_INVALID;
    cJSON *base = cJSON_CreateObject();
    cJSON *where[4] = {NULL, cJSON_AddObjectToObject(base, "path"),
                       cJSON_AddObjectToObject(base, "query"),
                       cJSON_AddObjectToObject(base, "header")};
    if (!base || !where[1] || !where[2] || !where[3]) {
        cJSON_Delete(base);
        return CF_E_NOMEM;
    }
    cf_rc rc = CF_OK;
    if (req->body_schema) {
        cJSON *body = NULL;
        rc = generate(req->body_schema, "Body", CF_GEN_IN_BODY, NULL, 1, opt, out, &body);
        if (body)
            cJSON_AddItemToObject(base, "body", body);
    }
    for (size_t i = 0; i < req->param_count && rc == CF_OK; i++) {
        const cf_gen_param *p = &req->params[i];
        char root[CF_PATH_MAX];
        cJSON *value = NULL;
        if (p->in < CF_GEN_IN_PATH || p->in > CF_GEN_IN_HEADER || !p->name || !p->schema) {
            rc = CF_E_INVALID;
            break;
        }
        snprintf(root, sizeof root, "%s.%s", cf_gen_in_name(p->in), p->name);
        rc = generate(p->schema, root, p->in, p->name, p->required || p->in == CF_GEN_IN_PATH, opt,
                      out, &value);
        if (value && (p->required || p->in == CF_GEN_IN_PATH))
            cJSON_AddItemToObject(where[p->in], p->name, value);
        else
            cJSON_Delete(value);
    }
    cJSON_Delete(out->base);
    out->base = base;
    return rc;
}
