/* main.c - conform's entry point: dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
    "usage: conform <command> [options]\n"
    "\n"
    "commands:\n"
    "  run    [options] [SPEC|DIR]...   run spec cases against a target (default: the mock)\n"
    "  serve  --spec FILE [options]     serve a spec as a mock HTTP server\n"
    "  lint   SPEC|DIR...               check spec files against the format\n"
    "\n"
    "`conform <command> --help` describes a command's options.\n"
    "exit status: 0 ok, 1 a check failed, 2 usage or spec error, 3 target unreachable,\n"
    "130 interrupted.\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CF_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return CF_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("conform %s\n", CONFORM_VERSION);
        return CF_EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0)
        return cf_cli_run(argc - 1, argv + 1);
    if (strcmp(cmd, "serve") == 0)
        return cf_cli_serve(argc - 1, argv + 1);
    if (strcmp(cmd, "lint") == 0)
        return cf_cli_lint(argc - 1, argv + 1);
    fprintf(stderr, "conform: unknown command \"%s\"\n\n%s", cmd, usage);
    return CF_EXIT_USAGE;
}
