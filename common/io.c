/* Format dispatch for structure files; see io.h. */
#define _POSIX_C_SOURCE 200809L
#include "common/io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/textio.h"

static const struct {
    const char *name;
    enum ls_format format;
} format_names[] = {
    {"poscar", LS_FORMAT_POSCAR}, {"vasp", LS_FORMAT_POSCAR},   {"contcar", LS_FORMAT_POSCAR},
    {"extxyz", LS_FORMAT_EXTXYZ}, {"xyz", LS_FORMAT_EXTXYZ},    {"xsf", LS_FORMAT_XSF},
    {"cif", LS_FORMAT_CIF},
};

int ls_format_from_name(const char *name, enum ls_format *format)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
        if (strcasecmp(name, format_names[i].name) == 0) {
            *format = format_names[i].format;
            return LS_OK;
        }
    LS_ERROR(LS_ERR_USAGE, "unknown structure format '%s' (known: poscar, extxyz, xsf, cif)", name);
}

const char *ls_format_name(enum ls_format format)
{
    switch (format) {
    case LS_FORMAT_POSCAR: return "poscar";
    case LS_FORMAT_EXTXYZ: return "extxyz";
    case LS_FORMAT_XSF: return "xsf";
    case LS_FORMAT_CIF: return "cif";
    default: return "auto";
    }
}

int ls_format_guess(const char *path, enum ls_format *format)
{
    const char *base = ls_path_basename(path);
    if (strncasecmp(base, "POSCAR", 6) == 0 || strncasecmp(base, "CONTCAR", 7) == 0) {
        *format = LS_FORMAT_POSCAR;
        return LS_OK;
    }
    const char *ext = ls_path_extension(path);
    if (ext[0] != '\0' && ls_format_from_name(ext, format) == LS_OK) return LS_OK;
    ls_error_clear();
    LS_ERROR(LS_ERR_USAGE,
             "cannot tell the format of '%s' from its name: use the extension .vasp/.poscar, "
             ".xyz/.extxyz, .xsf or .cif, name it POSCAR/CONTCAR, or give the format (--from/--to)",
             path);
}

static int resolve(const char *path, enum ls_format *format)
{
    if (*format == LS_FORMAT_AUTO) return ls_format_guess(path, format);
    return LS_OK;
}

int ls_structures_read(const char *path, enum ls_format format, ls_structure_list **out)
{
    *out = NULL;
    LS_TRY(resolve(path, &format));
    if (format == LS_FORMAT_EXTXYZ) return ls_extxyz_read(path, out);
    ls_structure *s = NULL;
    switch (format) {
    case LS_FORMAT_POSCAR: LS_TRY(ls_poscar_read(path, &s)); break;
    case LS_FORMAT_XSF: LS_TRY(ls_xsf_read(path, &s)); break;
    case LS_FORMAT_CIF: LS_TRY(ls_cif_read(path, &s)); break;
    default: LS_ERROR(LS_ERR_INTERNAL, "unhandled format %d", (int)format);
    }
    ls_structure_list *list = NULL;
    int status = ls_structure_list_create(&list);
    if (status != LS_OK) {
        ls_structure_destroy(s);
        return status;
    }
    status = ls_structure_list_push(list, s);
    if (status != LS_OK) {
        ls_structure_list_destroy(list);
        return status;
    }
    *out = list;
    return LS_OK;
}

int ls_structure_read(const char *path, enum ls_format format, ls_structure **out)
{
    *out = NULL;
    ls_structure_list *list = NULL;
    LS_TRY(ls_structures_read(path, format, &list));
    if (list->n == 0) {
        ls_structure_list_destroy(list);
        LS_ERROR(LS_ERR_INPUT, "%s: the file holds no structure", path);
    }
    *out = list->items[0];
    list->items[0] = NULL;
    for (int i = 1; i < list->n; i++) ls_structure_destroy(list->items[i]);
    list->n = 0;
    ls_structure_list_destroy(list);
    return LS_OK;
}

static int write_frame(FILE *fp, const char *path, enum ls_format format, const ls_structure *s)
{
    switch (format) {
    case LS_FORMAT_POSCAR: return ls_poscar_write(fp, path, s);
    case LS_FORMAT_EXTXYZ: return ls_extxyz_write(fp, path, s);
    case LS_FORMAT_XSF: return ls_xsf_write(fp, path, s);
    case LS_FORMAT_CIF: return ls_cif_write(fp, path, s);
    default: LS_ERROR(LS_ERR_INTERNAL, "unhandled format %d", (int)format);
    }
}

int ls_structures_write(const char *path, enum ls_format format, const ls_structure_list *list)
{
    LS_TRY(resolve(path, &format));
    if (list->n != 1 && format != LS_FORMAT_EXTXYZ)
        LS_ERROR(LS_ERR_USAGE, "%s: the %s format holds one structure, but there are %d frames "
                 "(write extended XYZ, or pick one frame)", path, ls_format_name(format), list->n);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    int status = LS_OK;
    for (int i = 0; i < list->n && status == LS_OK; i++) status = write_frame(mem, path, format, list->items[i]);
    fclose(mem);
    if (status == LS_OK) status = ls_file_write_atomic(path, buf, len);
    free(buf);
    return status;
}

int ls_structure_write(const char *path, enum ls_format format, const ls_structure *s)
{
    ls_structure *one[1] = {(ls_structure *)s};
    ls_structure_list list = {1, 1, one};
    return ls_structures_write(path, format, &list);
}

int ls_extxyz_append(const char *path, const ls_structure *s)
{
    FILE *fp = fopen(path, "a");
    if (fp == NULL) LS_ERROR(LS_ERR_IO, "cannot append to '%s': %s", path, strerror(errno));
    int status = ls_extxyz_write(fp, path, s);
    if (fclose(fp) != 0 && status == LS_OK)
        LS_ERROR(LS_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    return status;
}
