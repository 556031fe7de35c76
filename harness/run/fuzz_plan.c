/* fuzz_plan.c - a whole contract's campaign plan: the generated requests of every operation as
 * seeds, the producer steps each needs first, and findings saved as suite v2 files. */
#include "run/fuzz_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* The request a generated case ends with, and the steps before it (NULL when none). */
static const cJSON *own_step(const cJSON *node, const cJSON **steps, size_t *before)
{
    const cJSON *list = get(node, "steps");
    *steps = list;
    *before = 0;
    if (!list)
        return node;
    int n = cJSON_GetArraySize(list);
    *before = n > 0 ? (size_t)n - 1 : 0;
    return n > 0 ? cJSON_GetArrayItem(list, n - 1) : NULL;
}

/* Adds the generated cases ending at po's operation to its seeds: the single requests, or
 * (`sequences`) the first sequence, its earlier steps becoming the setup. */
static void add_seeds(cf_fuzz_plan *p, cf_fuzz_plan_op *po, int sequences)
{
    size_t k = 0;
    for (const cJSON *node = p->gen.nodes ? p->gen.nodes->child : NULL; node;
         node = node->next, k++) {
        const cf_case *c = &p->gen.cases[k];
        if ((strncmp(c->id, "gen.seq.", 8) == 0) != sequences ||
            c->steps[c->step_count - 1].op != po->op)
            continue;
        const cJSON *steps;
        size_t before;
        const cJSON *own = own_step(node, &steps, &before);
        if (!own)
            continue;
        if (!po->setup && before) {
            po->setup = steps;
            po->setup_count = before;
        }
        po->seeds[po->seed_count++] = own;
        po->valid_count += cJSON_IsTrue(get(get(own, "expect"), "success"));
        if (sequences)
            return; /* one: a second sequence's last step may read another setup's captures */
    }
}

cf_rc cf_fuzz_plan_build(const cf_api *api, uint64_t seed, cf_fuzz_plan *out)
{
    memset(out, 0, sizeof(*out));
    cf_gen_cases_opts o = {CF_GEN_CASES_ALL, seed, 0, NULL, NULL};
    cf_gen_cases_stats st;
    cf_rc rc = cf_gen_cases_build(api, &o, &out->gen, &st);
    size_t n = out->gen.count;
    out->ops = rc == CF_OK
                   ? calloc(api->operation_count ? api->operation_count : 1, sizeof(*out->ops))
                   : NULL;
    const cJSON **seeds = rc == CF_OK ? calloc(n ? n : 1, sizeof(*seeds)) : NULL;
    if (!out->ops || !seeds) {
        free(seeds);
        cf_fuzz_plan_cleanup(out);
        return CF_E_NOMEM;
    }
    /* Cases come operation by operation; a sequence (gen.seq.*) is no operation's seed unless
     * the operation has nothing else (one whose only input is the id another operation makes,
     * as GET /posts/{id}: the sequence's last step, behind its producers, is its one seed). */
    size_t used = 0;
    for (size_t i = 0; i < api->operation_count; i++) {
        cf_fuzz_plan_op *po = &out->ops[out->count];
        po->op = &api->operations[i];
        po->seeds = seeds + used;
        add_seeds(out, po, 0);
        if (!po->seed_count)
            add_seeds(out, po, 1);
        used += po->seed_count;
        out->count += po->seed_count > 0;
    }
    if (!out->count)
        free(seeds);
    return CF_OK;
}

void cf_fuzz_plan_cleanup(cf_fuzz_plan *p)
{
    if (!p)
        return;
    if (p->count)
        free((void *)p->ops[0].seeds);
    free(p->ops);
    cf_gen_cases_cleanup(&p->gen);
    memset(p, 0, sizeof(*p));
}

const cf_fuzz_plan_op *cf_fuzz_plan_pick(const cf_fuzz_plan *p, size_t n)
{
    return p && p->count ? &p->ops[n % p->count] : NULL;
}

cf_rc cf_fuzz_case_file_v2(const char *contract, const cJSON *variables, const char *case_json,
                           cf_buf *out)
{
    cJSON *one = case_json ? cJSON_Parse(case_json) : NULL;
    if (!cJSON_IsObject(one)) {
        cJSON_Delete(one);
        return CF_E_INVALID;
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON *cases = doc && cJSON_AddNumberToObject(doc, "conform", 2) &&
                           cJSON_AddStringToObject(doc, "contract", contract) &&
                           (!variables ||
                            cJSON_AddItemToObject(doc, "variables", cJSON_Duplicate(variables, 1)))
                       ? cJSON_AddArrayToObject(doc, "cases")
                       : NULL;
    cf_rc rc = CF_E_NOMEM;
    if (cases && cJSON_AddItemToArray(cases, one)) {
        one = NULL;
        rc = cf_json_append_line(out, doc, 1);
    }
    cJSON_Delete(one);
    cJSON_Delete(doc);
    return rc;
}

/* `path` made absolute and split into its segments ("." dropped, ".." folded). */
static char **segments(const char *path, size_t *n)
{
    char cwd[CF_PATH_MAX];
    char *full = NULL;
    *n = 0;
    if (path[0] == '/')
        full = cf_strdup(path);
    else if (getcwd(cwd, sizeof cwd) && (full = malloc(strlen(cwd) + strlen(path) + 2)))
        snprintf(full, strlen(cwd) + strlen(path) + 2, "%s/%s", cwd, path);
    char **seg = full ? calloc(strlen(full) / 2 + 2, sizeof(*seg)) : NULL;
    if (!seg) {
        free(full);
        return NULL;
    }
    char *save = NULL;
    for (char *t = strtok_r(full, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (strcmp(t, ".") == 0)
            continue;
        if (strcmp(t, "..") == 0) {
            if (*n)
                free(seg[--*n]);
            continue;
        }
        if (!(seg[(*n)++] = cf_strdup(t))) {
            for (size_t i = 0; i < *n; i++)
                free(seg[i]);
            free(seg);
            free(full);
            return NULL;
        }
    }
    free(full);
    return seg;
}

static void segments_free(char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

char *cf_fuzz_relative_path(const char *from_dir, const char *target)
{
    size_t nf = 0, nt = 0;
    char **f = segments(from_dir, &nf), **t = segments(target, &nt);
    char *s = NULL;
    if (f && t) {
        size_t common = 0;
        while (common < nf && common < nt && strcmp(f[common], t[common]) == 0)
            common++;
        cf_buf b;
        cf_buf_init(&b, CF_PATH_MAX * 4u);
        cf_rc rc = CF_OK;
        for (size_t i = common; rc == CF_OK && i < nf; i++)
            rc = cf_buf_adds(&b, "../");
        for (size_t i = common; rc == CF_OK && i < nt; i++)
            rc = cf_buf_addf(&b, "%s%s", t[i], i + 1 < nt ? "/" : "");
        s = rc == CF_OK ? cf_buf_take(&b) : NULL;
        if (rc == CF_OK && !s)
            s = cf_strdup("."); /* the folder itself */
        cf_buf_free(&b);
    }
    segments_free(f, nf);
    segments_free(t, nt);
    return s;
}
