/* lint.c - `conform lint`: checks spec files against the format, every error with its path. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "contract/spec.h"

static const char usage[] =
    "usage: conform lint SPEC|DIR...\n"
    "\n"
    "Checks each spec file against spec format v1 (specs/README.md). Each problem is printed\n"
    "as FILE:JSON-PATH: message. Exit 0 when every file is valid, 2 otherwise.\n";

int cf_cli_lint(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CF_EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return CF_EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "conform lint: unknown option %s\n\n%s", argv[i], usage);
            return CF_EXIT_USAGE;
        }
    }
    cf_cli_paths paths;
    int rc = cf_cli_collect_specs(argv + 1, (size_t)argc - 1, &paths);
    if (rc != CF_EXIT_OK)
        return rc;
    int bad = 0;
    for (size_t i = 0; i < paths.count; i++) {
        cf_diags d;
        cf_diags_init(&d);
        cf_spec *spec = NULL;
        cf_rc lrc = cf_spec_load_file(paths.items[i], &spec, &d);
        if (lrc == CF_OK) {
            printf("%s: ok (%zu cases)\n", paths.items[i], spec->case_count);
        } else {
            bad++;
            cf_cli_print_diags(&d);
            if (d.count == 0)
                fprintf(stderr, "%s: %s\n", paths.items[i], cf_strerror(lrc));
            fprintf(stderr, "%s: invalid (%zu problems)\n", paths.items[i],
                    cf_diags_total(&d) ? cf_diags_total(&d) : 1);
        }
        cf_spec_free(spec);
        cf_diags_cleanup(&d);
    }
    cf_cli_paths_free(&paths);
    return bad ? CF_EXIT_USAGE : CF_EXIT_OK;
}
