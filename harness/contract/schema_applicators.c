/* schema_applicators.c - the keywords that apply other schemas to the same value: allOf, anyOf,
 * oneOf (and the closest failing branch), discriminator, not, if/then/else. */
#include "contract/schema_internal.h"

#include <stdio.h>
#include <string.h>

/* The branch of a oneOf/anyOf that fails with the fewest violations, and its first message:
 * computed only when reporting a failure. */
static void closest(const cf_schema_vctx *v, cf_schema_node *const *branches, size_t count,
                    const cJSON *inst, const cf_schema_ipath *ip, int idepth, int rdepth, char *out,
                    size_t n)
{
    size_t best = 0;
    size_t best_count = (size_t)-1;
    for (size_t i = 0; i < count; i++) {
        cf_schema_vctx q = {NULL, v->base, 0, 0, v->dir};
        size_t c = cf_schema_walk(&q, branches[i], inst, ip, idepth, rdepth);
        const cf_schema_node *b = branches[i]->ref ? branches[i]->ref : branches[i];
        if ((b->has & CF_K_TYPE) && !cf_schema_type_accepts(b->types, inst))
            c += 1000; /* a branch for another type is the farthest */
        if (c && c < best_count) {
            best = i;
            best_count = c;
        }
    }
    cf_diags d;
    cf_diags_init(&d);
    cf_schema_vctx q = {&d, v->base, 0, 0, v->dir};
    cf_schema_walk(&q, branches[best], inst, ip, idepth, rdepth);
    if (d.count)
        snprintf(out, n, "the closest, #%s, failed at \"%s\": %s", branches[best]->spath,
                 d.items[0].path, d.items[0].message);
    else
        snprintf(out, n, "the closest is #%s", branches[best]->spath);
    cf_diags_cleanup(&d);
}

/* Whether a branch is the one a discriminator value names without a mapping: its $ref (or
 * its own path) ends in "/<value>", as OpenAPI's implicit "#/components/schemas/<value>". */
static int branch_named(const cf_schema_node *b, const char *value)
{
    const char *path = b->ref ? b->ref->spath : b->spath;
    size_t lp = strlen(path), lv = strlen(value);
    return lp > lv && path[lp - lv - 1] == '/' && strcmp(path + lp - lv, value) == 0;
}

/* OpenAPI's discriminator: the member's value picks the branch; 1 when it decided. */
static int discriminate(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                        const cf_schema_ipath *ip, int idepth, int rdepth)
{
    cf_schema_node *const *branches = n->one_of ? n->one_of : n->any_of;
    size_t count = n->one_of ? n->n_one_of : n->n_any_of;
    if (!cJSON_IsObject(inst) || !branches)
        return 0;
    char name[VALUE_MAX];
    cf_schema_render_string(n->discriminator, strlen(n->discriminator), name, sizeof(name));
    const cJSON *tag = cJSON_GetObjectItemCaseSensitive(inst, n->discriminator);
    if (!cJSON_IsString(tag)) {
        cf_schema_violation(v, n, "discriminator", ip, "the discriminator member %s is %s", name,
                            tag ? "not a string" : "missing");
        return 1;
    }
    const cf_schema_node *pick = NULL;
    for (size_t i = 0; i < n->n_mapping && !pick; i++)
        if (strcmp(n->mapping[i].name, tag->valuestring) == 0)
            pick = n->mapping[i].node;
    for (size_t i = 0; i < count && !pick; i++)
        if (branch_named(branches[i], tag->valuestring))
            pick = branches[i];
    char value[VALUE_MAX];
    cf_schema_render_string(tag->valuestring, strlen(tag->valuestring), value, sizeof(value));
    if (!pick) {
        cf_schema_violation(v, n, "discriminator", ip, "the discriminator %s = %s names no branch",
                            name, value);
        return 1;
    }
    if (!cf_schema_passes(v, pick, inst, ip, idepth, rdepth + 1)) {
        cf_schema_violation(v, n, "discriminator", ip,
                            "the discriminator %s = %s picks #%s, which this value fails:", name,
                            value, pick->ref ? pick->ref->spath : pick->spath);
        if (!v->quick)
            cf_schema_walk(v, pick, inst, ip, idepth, rdepth + 1);
    }
    return 1;
}

void cf_schema_check_applicators(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                                 const cf_schema_ipath *ip, int idepth, int rdepth)
{
    for (size_t i = 0; i < n->n_all_of; i++)
        if (cf_schema_walk(v, n->all_of[i], inst, ip, idepth, rdepth + 1) && v->quick)
            return;
    int decided = n->discriminator && discriminate(v, n, inst, ip, idepth, rdepth);
    if (n->any_of && !decided) {
        size_t i = 0;
        while (i < n->n_any_of && !cf_schema_passes(v, n->any_of[i], inst, ip, idepth, rdepth + 1))
            i++;
        if (i == n->n_any_of) {
            char why[MESSAGE_MAX / 2] = "";
            if (!v->quick)
                closest(v, n->any_of, n->n_any_of, inst, ip, idepth, rdepth + 1, why, sizeof(why));
            CF_SCHEMA_FAIL("anyOf", ip, "matches none of the %zu anyOf branches; %s", n->n_any_of,
                           why);
        }
    }
    if (n->one_of && !decided) {
        size_t matched = 0, first = 0, second = 0;
        for (size_t i = 0; i < n->n_one_of && matched < 2; i++) {
            if (!cf_schema_passes(v, n->one_of[i], inst, ip, idepth, rdepth + 1))
                continue;
            if (matched++ == 0)
                first = i;
            else
                second = i;
        }
        if (matched == 0) {
            char why[MESSAGE_MAX / 2] = "";
            if (!v->quick)
                closest(v, n->one_of, n->n_one_of, inst, ip, idepth, rdepth + 1, why, sizeof(why));
            CF_SCHEMA_FAIL("oneOf", ip, "matches none of the %zu oneOf branches; %s", n->n_one_of,
                           why);
        } else if (matched > 1) {
            CF_SCHEMA_FAIL(
                "oneOf", ip,
                "matches more than one of the %zu oneOf branches (#%s and #%s); exactly one "
                "must match",
                n->n_one_of, n->one_of[first]->spath, n->one_of[second]->spath);
        }
    }
    if (n->not_ && cf_schema_passes(v, n->not_, inst, ip, idepth, rdepth + 1))
        CF_SCHEMA_FAIL("not", ip, "matches the schema under \"not\"");
    if (n->if_) {
        const cf_schema_node *then =
            cf_schema_passes(v, n->if_, inst, ip, idepth, rdepth + 1) ? n->then_ : n->else_;
        if (then)
            cf_schema_walk(v, then, inst, ip, idepth, rdepth + 1);
    }
}
