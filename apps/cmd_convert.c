/* lodestone convert: read a structure file and write it in another format.  All frames go
 * through for extended XYZ to extended XYZ; otherwise one frame (--frame N). */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "common/err.h"
#include "common/io.h"
#include "common/structure.h"

static const struct cli_option convert_opts[] = {
    {"from", 0, CLI_VALUE, "FMT", "format of IN: poscar, extxyz, xsf, cif (default: from the name)"},
    {"to", 0, CLI_VALUE, "FMT", "format of OUT (default: from the name)"},
    {"frame", 0, CLI_VALUE, "N", "convert only frame N of IN (1 = first, -1 = last)"},
    {NULL, 0, 0, NULL, NULL},
};

int cmd_convert(int argc, char **argv)
{
    struct cli_args args;
    LS_TRY(cli_parse(argc, argv, convert_opts, &args));
    if (args.help) {
        cli_print_help("convert", "IN OUT [options]",
                       "Convert a structure file between POSCAR, extended XYZ, XSF and CIF.  Formats come\n"
                       "from the file names (*.vasp, POSCAR*, *.xyz, *.extxyz, *.xsf, *.cif) or --from/--to.\n"
                       "Extended XYZ to extended XYZ keeps every frame; other targets hold one structure,\n"
                       "chosen with --frame when IN has several.",
                       convert_opts);
        return LS_OK;
    }
    if (args.n_pos != 2)
        LS_ERROR(LS_ERR_USAGE, "expected IN and OUT, got %d argument%s (see lodestone convert --help)", args.n_pos,
                 args.n_pos == 1 ? "" : "s");
    const char *in_path = args.pos[0], *out_path = args.pos[1];
    enum ls_format in_fmt, out_fmt;
    const char *from = cli_get(&args, convert_opts, "from"), *to = cli_get(&args, convert_opts, "to");
    if (from) LS_TRY(ls_format_from_name(from, &in_fmt));
    else LS_TRY(ls_format_guess(in_path, &in_fmt));
    if (to) LS_TRY(ls_format_from_name(to, &out_fmt));
    else LS_TRY(ls_format_guess(out_path, &out_fmt));
    const char *frame_opt = cli_get(&args, convert_opts, "frame");
    long frame = 0;
    LS_TRY(cli_get_int(&args, convert_opts, "frame", 0, &frame));
    if (frame_opt && frame == 0) LS_ERROR(LS_ERR_USAGE, "--frame counts from 1 (or from -1 for the last frame)");

    ls_structure_list *list = NULL;
    LS_TRY(ls_structures_read(in_path, in_fmt, &list));
    int status = LS_OK;
    long n = list->n;
    if (n == 0) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s holds no structure", in_path);
    if (frame_opt) {
        long i = frame > 0 ? frame - 1 : n + frame;
        if (i < 0 || i >= n)
            LS_ERROR_GOTO(status, LS_ERR_USAGE, done, "--frame %ld is out of range: %s holds %ld frame%s", frame,
                          in_path, n, n == 1 ? "" : "s");
        status = ls_structure_write(out_path, out_fmt, list->items[i]);
    } else if (out_fmt == LS_FORMAT_EXTXYZ && in_fmt == LS_FORMAT_EXTXYZ) {
        status = ls_structures_write(out_path, out_fmt, list);
    } else if (n > 1) {
        LS_ERROR_GOTO(status, LS_ERR_USAGE, done,
                      "%s holds %ld frames but the %s format holds one structure: choose one with --frame N "
                      "(1..%ld, -1 for the last), or write extended XYZ (.xyz) to keep them all",
                      in_path, n, ls_format_name(out_fmt), n);
    } else {
        status = ls_structure_write(out_path, out_fmt, list->items[0]);
    }
done:
    ls_structure_list_destroy(list);
    return status;
}
