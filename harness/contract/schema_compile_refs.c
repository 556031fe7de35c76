/* schema_compile_refs.c - resolves $refs and discriminator mappings: the queue of refs, JSON
 * pointers into the document. */
#include "contract/schema_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/json.h"

void cf_schema_ref_queue(cf_schema_cctx *c, cf_schema_node *from, const char *ref)
{
    cf_schema_pending *p = malloc(sizeof(*p));
    if (!p) {
        c->rc = CF_E_NOMEM;
        return;
    }
    p->from = from;
    p->ref = ref;
    p->next = c->todo;
    c->todo = p;
}

static int percent_decode(const char *s, char *out, size_t n)
{
    return cf_json_uri_decode(s, out, n);
}

/* Resolves a local ref ("#", "#/json/pointer") to the schema it names; NULL with a reason. */
static const cJSON *resolve(cf_schema_cctx *c, const char *ref, const char **why)
{
    return cf_json_ref(c->root, ref, why);
}

/* The path a resolved target is known by in messages: the pointer itself. */
static void ref_path(const char *ref, char *out, size_t n)
{
    char decoded[CF_PATH_MAX];
    if (!percent_decode(ref + 1, decoded, sizeof(decoded)))
        decoded[0] = '\0';
    snprintf(out, n, "%s", decoded);
}

void cf_schema_ref_resolve_pending(cf_schema_cctx *c)
{
    while (c->todo && c->rc == CF_OK) {
        cf_schema_pending *p = c->todo;
        c->todo = p->next;
        const char *why = NULL;
        const cJSON *target = resolve(c, p->ref, &why);
        if (!target) {
            cf_schema_compile_problem(c, p->from, "$ref", "cannot resolve \"$ref\" \"%.200s\": %s",
                                      p->ref, why);
        } else {
            char path[CF_PATH_MAX];
            ref_path(p->ref, path, sizeof(path));
            p->from->ref = cf_schema_compile_node(c, target, path, 0);
        }
        free(p);
    }
}

/* Discriminator mappings name branches by ref or by schema name (OpenAPI components). */
void cf_schema_ref_resolve_mappings(cf_schema_cctx *c)
{
    for (cf_schema_node *n = c->s->nodes; n && c->rc == CF_OK; n = n->next_in_list) {
        if (!n->n_mapping)
            continue;
        const cJSON *mapping =
            cf_schema_keyword(cf_schema_keyword(n->src, "discriminator"), "mapping");
        for (size_t i = 0; i < n->n_mapping; i++) {
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(mapping, n->mapping[i].name);
            char ref[CF_PATH_MAX];
            if (!cJSON_IsString(m))
                continue;
            if (m->valuestring[0] == '#')
                snprintf(ref, sizeof(ref), "%s", m->valuestring);
            else
                snprintf(ref, sizeof(ref), "#/components/schemas/%s", m->valuestring);
            const char *why = NULL;
            const cJSON *target = resolve(c, ref, &why);
            if (!target) {
                cf_schema_compile_problem(c, n, "discriminator",
                                          "cannot resolve mapping \"%.200s\": %s", m->valuestring,
                                          why);
                continue;
            }
            char path[CF_PATH_MAX];
            ref_path(ref, path, sizeof(path));
            n->mapping[i].node = cf_schema_compile_node(c, target, path, 0);
            cf_schema_ref_resolve_pending(c);
        }
    }
}
