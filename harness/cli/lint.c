/* lint.c - `conform lint`: checks contracts, v1 spec files and suite v2 files (with the contract
 * each names), every error with its file and path. */
#include <stdio.h>

#include "cli/cli.h"
#include "contract/api.h"
#include "contract/aws.h"
#include "contract/spec.h"
#include "suite/suite.h"

static const char usage_head[] =
    "usage: conform lint FILE|DIR...\n"
    "\n"
    "Checks each contract: an OpenAPI 3.0 or 3.1 document (JSON or YAML), an AWS model\n"
    "(Smithy JSON AST or botocore, with the overlay beside it), an overlay (with the models it\n"
    "names), a suite v2 file (with the contract it names) or a spec file of format v1\n"
    "(specs/README.md). Each problem is printed as\n"
    "FILE:JSON-PATH: message (YAML: with its line and column). Exit 0 when every file is\n"
    "valid, 2 otherwise.\n";

#define LINT_OPTIONS(X) X(HELP, "help", 'h', no_argument, NULL, "this text")

CF_CLI_COMMAND(lint_command, LINT_OPTIONS, "lint", usage_head, NULL);

/* An overlay is checked with the models its "models" list names; returns 1 when it is bad. */
static int lint_overlay(const char *path)
{
    cf_diags d;
    cf_diags_init(&d);
    size_t models = 0;
    cf_rc rc = cf_aws_lint_overlay(path, &models, &d);
    cf_cli_print_diags(&d);
    if (rc == CF_OK)
        printf("%s: ok (overlay, applied to %zu models)\n", path, models);
    else
        fprintf(stderr, "%s: invalid (%zu problems)\n", path,
                cf_diags_total(&d) ? cf_diags_total(&d) : 1);
    cf_diags_cleanup(&d);
    return rc != CF_OK;
}

/* What a loaded file holds, for its "ok" line. */
static void print_ok(const char *path, const cf_suite *s)
{
    if (s->kind == CF_SUITE_V2)
        printf("%s: ok (suite v2, %zu cases; contract %s, %zu operations)\n", path, s->case_count,
               s->contract_file, s->api->operation_count);
    else if (s->kind == CF_SUITE_V1)
        printf("%s: ok (%zu cases)\n", path, s->case_count);
    else
        printf("%s: ok (%zu operations)\n", path, s->api->operation_count);
}

/* Lints one file (not an overlay); returns 1 when it is bad. */
static int lint_file(const char *path)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_suite *s = NULL;
    cf_rc rc = cf_suite_load_file(path, &s, &d);
    if (rc == CF_E_NOT_FOUND) {
        /* Neither kind: the v1 reader says what is wrong with the bytes (not JSON, where). */
        cf_spec *spec = NULL;
        (void)!cf_spec_load_file(path, &spec, &d); /* cannot succeed: no "conform" member */
        cf_spec_free(spec);
    }
    /* Warnings (schemas no value can pass, unknown query parameters) leave a file valid. */
    cf_cli_print_diags(&d);
    if (rc == CF_OK) {
        print_ok(path, s);
    } else {
        if (d.count == 0)
            fprintf(stderr, "%s: %s\n", path, cf_strerror(rc));
        fprintf(stderr, "%s: invalid (%zu problems)\n", path,
                cf_diags_total(&d) ? cf_diags_total(&d) : 1);
    }
    cf_suite_free(s);
    cf_diags_cleanup(&d);
    return rc != CF_OK;
}

int cf_cli_lint(int argc, char **argv)
{
    cf_cli_parser p;
    cf_cli_status st = cf_cli_parse_files(&p, &lint_command, argc, argv);
    if (st != CF_CLI_GO_ON)
        return st;
    cf_cli_paths paths;
    int rc = cf_cli_collect_specs((const char *const *)p.args, p.arg_count, &paths);
    if (rc != CF_EXIT_OK)
        return rc;
    int bad = 0;
    for (size_t i = 0; i < paths.count; i++)
        bad += cf_aws_file_kind_of(paths.items[i]) == CF_AWS_FILE_OVERLAY
                   ? lint_overlay(paths.items[i])
                   : lint_file(paths.items[i]);
    cf_cli_paths_free(&paths);
    return bad ? CF_EXIT_USAGE : CF_EXIT_OK;
}
