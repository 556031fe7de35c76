/* specs.c - turns SPEC|DIR arguments into spec file paths, prints diagnostics, and parses the
 * command line of the commands that take only files. */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "base/file.h"
#include "base/limits.h"
#include "contract/aws.h"

#define MAX_SPEC_FILES 10000u
#define MAX_DIR_DEPTH 16

static int add_path(cf_cli_paths *p, const char *path)
{
    if (p->count >= MAX_SPEC_FILES) {
        fprintf(stderr, "conform: more than %u spec files; narrow the arguments\n", MAX_SPEC_FILES);
        return CF_EXIT_USAGE;
    }
    char **items = realloc(p->items, (p->count + 1) * sizeof(*items));
    if (!items)
        return CF_EXIT_USAGE;
    p->items = items;
    size_t n = strlen(path) + 1;
    p->items[p->count] = malloc(n);
    if (!p->items[p->count])
        return CF_EXIT_USAGE;
    memcpy(p->items[p->count++], path, n);
    return CF_EXIT_OK;
}

static int ends_with_json(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static int walk(cf_cli_paths *p, const char *dir, int depth)
{
    if (depth > MAX_DIR_DEPTH)
        return CF_EXIT_OK;
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "conform: cannot open directory %s: %s\n", dir, strerror(errno));
        return CF_EXIT_USAGE;
    }
    int rc = CF_EXIT_OK;
    struct dirent *e;
    while (rc == CF_EXIT_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *full = malloc(n);
        if (!full) {
            rc = CF_EXIT_USAGE;
            break;
        }
        snprintf(full, n, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
            rc = walk(p, full, depth + 1);
        else if (ends_with_json(e->d_name) && stat(full, &st) == 0 && S_ISREG(st.st_mode))
            rc = add_path(p, full);
        free(full);
    }
    closedir(d);
    return rc;
}

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cf_cli_collect_specs(const char *const *args, size_t n, cf_cli_paths *out)
{
    out->items = NULL;
    out->count = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0) {
            fprintf(stderr, "conform: %s: %s\n", args[i], strerror(errno));
            cf_cli_paths_free(out);
            return CF_EXIT_USAGE;
        }
        size_t before = out->count;
        int rc = S_ISDIR(st.st_mode) ? walk(out, args[i], 0) : add_path(out, args[i]);
        if (rc != CF_EXIT_OK) {
            cf_cli_paths_free(out);
            return rc;
        }
        if (S_ISDIR(st.st_mode) && out->count == before) {
            fprintf(stderr, "conform: %s: no *.json spec files in this directory\n", args[i]);
            cf_cli_paths_free(out);
            return CF_EXIT_USAGE;
        }
        qsort(out->items + before, out->count - before, sizeof(*out->items), compare);
    }
    return CF_EXIT_OK;
}

void cf_cli_paths_free(cf_cli_paths *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++)
        free(p->items[i]);
    free(p->items);
    p->items = NULL;
    p->count = 0;
}

void cf_cli_print_diags(const cf_diags *d)
{
    for (size_t i = 0; i < d->count; i++) {
        const cf_diag *g = &d->items[i];
        fprintf(stderr, "%s:%s: %s\n", g->file ? g->file : "-", g->path[0] ? g->path : "/",
                g->message);
    }
    if (d->dropped)
        fprintf(stderr, "... and %zu more problems not shown\n", d->dropped);
}

/* Whether two paths name the same file (their real paths, else their text). */
static int same_file(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    if (realpath(a, ra) && realpath(b, rb))
        return strcmp(ra, rb) == 0;
    return strcmp(a, b) == 0;
}

/* Whether the overlay at `overlay` names `model` in its "models" list (files in its folder). */
static int overlay_names(const char *overlay, const char *model)
{
    cf_buf b;
    char err[256];
    if (cf_aws_file_kind_of(overlay) != CF_AWS_FILE_OVERLAY ||
        cf_file_read(overlay, CF_MAX_SPEC_FILE, &b, err, sizeof err) != CF_OK)
        return 0;
    cJSON *doc = cJSON_ParseWithLength(cf_buf_str(&b), b.len);
    cf_buf_free(&b);
    const char *slash = strrchr(overlay, '/');
    size_t dir = slash ? (size_t)(slash - overlay) + 1 : 0;
    int found = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(doc, "models"))
    {
        if (found || !cJSON_IsString(m) || strlen(m->valuestring) + dir >= PATH_MAX)
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%.*s%s", (int)dir, overlay, m->valuestring);
        found = same_file(path, model);
    }
    cJSON_Delete(doc);
    return found;
}

/* Whether some other suite of the list stands for contract suite `c`. */
static int stands_for(cf_suite *const *suites, size_t n, const cf_suite *c)
{
    if (c->kind != CF_SUITE_CONTRACT)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const cf_suite *s = suites[i];
        if (s == c)
            continue;
        if (s->kind == CF_SUITE_V2 && s->contract_file && same_file(s->contract_file, c->file))
            return 1;
        if (s->kind == CF_SUITE_CONTRACT && overlay_names(s->file, c->file))
            return 1;
    }
    return 0;
}

void cf_cli_suites_drop_named(cf_suite **suites, size_t *n)
{
    unsigned char *drop = calloc(*n ? *n : 1, 1);
    if (!drop)
        return; /* out of memory: run everything rather than guess */
    for (size_t i = 0; i < *n; i++)
        drop[i] = (unsigned char)stands_for(suites, *n, suites[i]);
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        if (drop[i])
            cf_suite_free(suites[i]);
        else
            suites[kept++] = suites[i];
    }
    *n = kept;
    free(drop);
}

cf_cli_status cf_cli_parse_files(cf_cli_parser *p, const cf_cli_command *cmd, int argc, char **argv)
{
    cf_cli_parser_init(p, cmd, argc, argv);
    int id;
    while ((id = cf_cli_parser_next(p)) != CF_CLI_END) {
        if (id == CF_CLI_ERROR)
            return CF_CLI_EXIT_USAGE;
        if (id == CF_CLI_OPTION_BASE) /* --help */
            return cf_cli_help(p);
    }
    if (p->arg_count == 0) {
        cf_cli_help_print(cmd, p->err);
        return CF_CLI_EXIT_USAGE;
    }
    return CF_CLI_GO_ON;
}
