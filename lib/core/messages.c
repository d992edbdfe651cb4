/* Chinese texts for errno values, libzip error codes and libjpeg message
 * numbers.  Unknown values keep the original text with a Chinese lead. */
#include "messages.h"

#include "gradpack.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

#include <jpeglib.h>
#include <jerror.h>

static _Thread_local char text[512];

/* Cut a truncated snprintf result back to a whole UTF-8 character. */
static void utf8_clip(char *s, size_t size)
{
    size_t n = strlen(s);
    if (n + 1 < size || n == 0)
        return;
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0 && (unsigned char)s[i - 1] >= 0xC0) {
        unsigned char lead = (unsigned char)s[i - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (n - (i - 1) < need)
            s[i - 1] = '\0';
    }
}

static const char *errno_zh(int e)
{
    switch (e) {
    case ENOENT: return "没有这个文件或文件夹";
    case EACCES: return "没有权限，请检查文件或文件夹的权限，或换一个文件夹";
    case EPERM: return "不允许这个操作";
    case EEXIST: return "已经存在";
    case ENOTDIR: return "路径中有一段不是文件夹";
    case EISDIR: return "这是一个文件夹，不是文件";
    case ENOSPC: return "磁盘已满";
#ifdef EDQUOT /* not in the Windows C runtime */
    case EDQUOT: return "磁盘配额已用完";
#endif
    case EROFS: return "磁盘是只读的";
    case EIO: return "读写出错，磁盘或 U 盘可能有问题";
    case ENOMEM: return "内存不足";
    case EMFILE:
    case ENFILE: return "同时打开的文件太多";
    case ENAMETOOLONG: return "文件名太长";
    case ELOOP: return "符号链接太多层或指向自己";
    case EBUSY: return "文件正被占用";
    case EINVAL: return "参数无效";
    case EFBIG: return "文件太大";
    case EXDEV: return "不能跨磁盘移动";
    case ETXTBSY: return "文件正被使用";
    case EAGAIN: return "暂时无法完成，请稍后再试";
    case ENXIO:
    case ENODEV: return "设备不存在";
#ifdef ESTALE
    case ESTALE: return "网络文件已失效";
#endif
    case ETIMEDOUT: return "超时";
    case ENOTEMPTY: return "文件夹不是空的";
    default: return NULL;
    }
}

const char *gp_strerror(int errnum)
{
    return gpi_errno_text(errnum);
}

const char *gpi_errno_text(int errnum)
{
    char english[256];
    const char *zh = errno_zh(errnum);
    snprintf(english, sizeof english, "%s", strerror(errnum));
    if (zh)
        snprintf(text, sizeof text, "%s（%s）", zh, english);
    else
        snprintf(text, sizeof text, "系统错误 %d（%s）", errnum, english);
    utf8_clip(text, sizeof text);
    return text;
}

static const char *zip_zh(int code)
{
    switch (code) {
    case ZIP_ER_NOZIP: return "不是 zip 压缩包";
    case ZIP_ER_INCONS: return "压缩包的目录不一致，文件不完整或已损坏";
    case ZIP_ER_CRC: return "校验和不对，数据已损坏";
    case ZIP_ER_NOENT: return "压缩包里没有这个文件";
    case ZIP_ER_EXISTS: return "文件已经存在";
    case ZIP_ER_OPEN: return "无法打开文件";
    case ZIP_ER_READ: return "读取出错";
    case ZIP_ER_WRITE: return "写入出错";
    case ZIP_ER_SEEK: return "定位出错";
    case ZIP_ER_CLOSE: return "关闭压缩包时出错";
    case ZIP_ER_TMPOPEN: return "无法创建临时文件";
    case ZIP_ER_ZLIB: return "解压出错，数据已损坏";
    case ZIP_ER_MEMORY: return "内存不足";
    case ZIP_ER_COMPNOTSUPP: return "不支持的压缩方式";
    case ZIP_ER_EOF: return "压缩包提前结束，文件不完整";
    case ZIP_ER_INVAL: return "参数无效";
    case ZIP_ER_MULTIDISK: return "不支持 .z01 之类的分卷压缩包";
    case ZIP_ER_ENCRNOTSUPP: return "不支持的加密方式";
    case ZIP_ER_RDONLY: return "只读";
    case ZIP_ER_NOPASSWD: return "文件是加密的，需要密码";
    case ZIP_ER_WRONGPASSWD: return "密码不对";
    case ZIP_ER_CHANGED: return "压缩包在读取时被改动了";
    case ZIP_ER_REMOVE: return "无法删除文件";
    case ZIP_ER_DELETED: return "文件已被删除";
    case ZIP_ER_OPNOTSUPP: return "不支持的操作";
    case ZIP_ER_INUSE: return "压缩包正被使用";
    case ZIP_ER_TELL: return "定位出错";
    case ZIP_ER_COMPRESSED_DATA: return "压缩数据已损坏";
    case ZIP_ER_CANCELLED: return "操作被取消";
    default: return NULL;
    }
}

const char *gpi_zip_error_text(void *zip_error)
{
    zip_error_t *ze = zip_error;
    int code = zip_error_code_zip(ze);
    char english[256];
    snprintf(english, sizeof english, "%s", zip_error_strerror(ze));
    const char *zh = zip_zh(code);
    if (zip_error_code_system(ze) && zip_error_system_type(ze) == ZIP_ET_SYS) {
        const char *sys = errno_zh(zip_error_code_system(ze));
        snprintf(text, sizeof text, "%s%s%s（%s）", zh ? zh : "压缩包出错", sys ? "：" : "",
                 sys ? sys : "", english);
    } else
        snprintf(text, sizeof text, "%s（%s）", zh ? zh : "压缩包出错", english);
    utf8_clip(text, sizeof text);
    return text;
}

static const char *jpeg_zh(int code)
{
    switch (code) {
    case JWRN_JPEG_EOF: return "照片数据提前结束，文件不完整，可能下载或复制时被截断";
    case JWRN_HIT_MARKER: return "照片数据不完整";
    case JWRN_EXTRANEOUS_DATA: return "照片数据中有多余的字节，文件已损坏";
    case JWRN_MUST_RESYNC: return "照片数据已损坏";
    case JWRN_NOT_SEQUENTIAL: return "照片数据顺序错乱，已损坏";
    case JERR_INPUT_EMPTY: return "文件是空的";
    case JERR_INPUT_EOF: return "照片数据提前结束，文件不完整";
    case JERR_NO_SOI: return "不是 JPEG 照片";
    case JERR_NO_IMAGE: return "文件里没有图像";
    case JERR_SOS_NO_SOF: return "照片数据结构不对，已损坏";
    case JERR_SOF_DUPLICATE:
    case JERR_SOI_DUPLICATE: return "照片数据结构不对，已损坏";
    case JERR_BAD_HUFF_TABLE:
    case JERR_NO_HUFF_TABLE:
    case JERR_NO_QUANT_TABLE: return "照片的编码表已损坏";
    case JERR_UNKNOWN_MARKER: return "照片中有无法识别的数据段，已损坏";
    case JERR_IMAGE_TOO_BIG: return "照片尺寸太大";
    case JERR_EMPTY_IMAGE: return "照片没有像素";
    case JERR_BAD_PRECISION: return "不支持的颜色精度，不是每通道 8 位";
    case JERR_OUT_OF_MEMORY: return "内存不足";
    case JERR_BAD_COMPONENT_ID: return "照片的颜色通道编号不对，已损坏";
    case JERR_SOF_UNSUPPORTED: return "不支持的 JPEG 编码方式，如无损 JPEG 或算术编码";
    case JERR_BAD_LENGTH:
    case JERR_DQT_INDEX:
    case JERR_DHT_INDEX: return "照片数据结构不对，已损坏";
    default: return NULL;
    }
}

void gpi_jpeg_message_text(int code, const char *english, char *out, size_t size)
{
    char copy[JMSG_LENGTH_MAX];
    snprintf(copy, sizeof copy, "%s", english);
    const char *zh = jpeg_zh(code);
    snprintf(out, size, "%s（%s）", zh ? zh : "照片无法解码", copy);
    utf8_clip(out, size);
}
