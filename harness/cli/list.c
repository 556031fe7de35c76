/* list.c - `conform list`: each contract's operations, a spec's cases with their tags, and every
 * tag, so a --filter or --tag can be written without reading the files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "cli/cli.h"
#include "contract/api.h"
#include "contract/aws.h"
#include "contract/spec.h"
#include "report/report.h"

static const char usage_head[] =
    "usage: conform list FILE|DIR...\n"
    "\n"
    "Lists the operations of each contract (OpenAPI 3.0/3.1, AWS model, v1 spec file) and a\n"
    "spec's cases (id, tags, summary), then every tag with the number of cases that carry it:\n"
    "what `conform run --filter GLOB` and `--tag TAG` select from.\n"
    "Exit 0, or 2 when a file is not a valid contract or spec.\n";

#define LIST_OPTIONS(X) X(HELP, "help", 'h', no_argument, NULL, "this text")

CF_CLI_COMMAND(list_command, LIST_OPTIONS, "list", usage_head, NULL);

/* Prints s made terminal-safe on one line: spec files may hold anything. */
static void put(const char *s)
{
    cf_buf b;
    cf_buf_init(&b, 4 * CF_REPORT_FIELD_MAX);
    if (cf_report_clean(&b, s ? s : "", CF_REPORT_FIELD_MAX,
                        CF_CLEAN_TERMINAL | CF_CLEAN_ONE_LINE) == CF_OK)
        fputs(cf_buf_str(&b), stdout);
    cf_buf_free(&b);
}

typedef struct {
    const char *name;
    size_t cases;
} tag_count;

/* Adds the spec's tags to the tally (names borrowed from the spec). 0 when out of memory. */
static int tally(tag_count **tags, size_t *n, size_t *cap, const cf_spec *spec)
{
    for (size_t c = 0; c < spec->case_count; c++)
        for (size_t t = 0; t < spec->cases[c].tag_count; t++) {
            const char *name = spec->cases[c].tags[t];
            size_t k = 0;
            while (k < *n && strcmp((*tags)[k].name, name) != 0)
                k++;
            if (k == *n) {
                tag_count *more = cf_array_reserve(*tags, cap, *n, sizeof(*more), 16);
                if (!more)
                    return 0;
                *tags = more;
                (*tags)[(*n)++] = (tag_count){name, 0};
            }
            (*tags)[k].cases++;
        }
    return 1;
}

static void put_operation(const char *id, const char *method, const char *path)
{
    fputs("  operation ", stdout);
    put(id);
    fputs(": ", stdout);
    put(method);
    fputc(' ', stdout);
    put(path);
    fputc('\n', stdout);
}

static void list_api(const char *file, const cf_api *api)
{
    put(file);
    fputc('\n', stdout);
    for (size_t i = 0; i < api->operation_count; i++) {
        const cf_api_operation *op = &api->operations[i];
        put_operation(op->id, op->method, op->path);
    }
}

static void list_spec(const cf_spec *spec)
{
    put(spec->file);
    fputc('\n', stdout);
    put_operation(spec->op.name, spec->op.method, spec->op.path);
    printf("  %zu case%s:\n", spec->case_count, spec->case_count == 1 ? "" : "s");
    for (size_t c = 0; c < spec->case_count; c++) {
        const cf_case *k = &spec->cases[c];
        fputs("    ", stdout);
        put(k->id);
        if (k->tag_count) {
            fputs("  [", stdout);
            for (size_t t = 0; t < k->tag_count; t++) {
                if (t)
                    fputs(", ", stdout);
                put(k->tags[t]);
            }
            fputc(']', stdout);
        }
        if (k->summary) {
            fputs("  ", stdout);
            put(k->summary);
        }
        fputc('\n', stdout);
    }
}

int cf_cli_list(int argc, char **argv)
{
    cf_cli_parser p;
    cf_cli_status st = cf_cli_parse_files(&p, &list_command, argc, argv);
    if (st != CF_CLI_GO_ON)
        return st;
    cf_cli_paths paths;
    int rc = cf_cli_collect_specs((const char *const *)p.args, p.arg_count, &paths);
    if (rc != CF_EXIT_OK)
        return rc;
    cf_spec **specs = calloc(paths.count ? paths.count : 1, sizeof(*specs));
    tag_count *tags = NULL;
    size_t tag_n = 0, tag_cap = 0;
    for (size_t i = 0; specs && i < paths.count; i++) {
        if (cf_aws_file_kind_of(paths.items[i]) == CF_AWS_FILE_OVERLAY)
            continue; /* applied to the model beside it, which is listed */
        cf_diags d;
        cf_diags_init(&d);
        cf_api *api = NULL;
        cf_rc lrc = cf_api_load_file(paths.items[i], &api, &d);
        if (lrc == CF_OK)
            list_api(paths.items[i], api);
        cf_api_free(api);
        if (lrc != CF_E_NOT_FOUND) { /* a contract: listed, or refused with its problems */
            if (lrc != CF_OK) {
                cf_cli_print_diags(&d);
                fprintf(stderr, "%s: invalid contract (conform lint %s)\n", paths.items[i],
                        paths.items[i]);
                rc = CF_EXIT_USAGE;
            }
        } else if (cf_spec_load_file(paths.items[i], &specs[i], &d) != CF_OK) {
            cf_cli_print_diags(&d);
            fprintf(stderr, "%s: invalid spec (conform lint %s)\n", paths.items[i], paths.items[i]);
            rc = CF_EXIT_USAGE;
        } else {
            list_spec(specs[i]);
            if (!tally(&tags, &tag_n, &tag_cap, specs[i]))
                rc = CF_EXIT_USAGE;
        }
        cf_diags_cleanup(&d);
    }
    if (!specs)
        rc = CF_EXIT_USAGE;
    if (rc == CF_EXIT_OK) {
        printf("%zu tag%s:", tag_n, tag_n == 1 ? "" : "s");
        for (size_t t = 0; t < tag_n; t++) {
            fputs(t ? ", " : " ", stdout);
            put(tags[t].name);
            printf(" (%zu)", tags[t].cases);
        }
        fputc('\n', stdout);
    }
    free(tags);
    for (size_t i = 0; specs && i < paths.count; i++)
        cf_spec_free(specs[i]);
    free(specs);
    cf_cli_paths_free(&paths);
    return rc;
}
