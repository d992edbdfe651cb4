// face_dlib.cpp — the one C++ translation unit: dlib's HOG frontal face
// detector and 68-point shape predictor behind face.h.  No exception leaves
// this file.
//
// Threads: dlib's object_detector::operator() is not const (it keeps scratch
// state), so each call borrows a set of detectors from a shelf and puts it
// back; there are never more sets than threads detecting at once.  Every set
// is copied from one prototype, decoded once per process: decoding dlib's
// embedded, compressed detector is the single most expensive step of a small
// check (measured: 70% of the CPU of a 6-photo check when every thread
// decoded its own).  shape_predictor's operator() is const: the 100 MB model
// is deserialised once per process (std::call_once) and shared read-only by
// every thread.
//
// No thread_local with a destructor here: mingw-w64 frees a thread_local's
// storage before running its destructor at thread exit (GCC bug 80816,
// mingw-w64 bug 527).  gradpack.exe crashed in free() under winpthreads'
// _pthread_cleanup_dest when a pool worker ended (under Wine: 2 checks in
// 185) while the detectors were thread_local.
#include "face/face.h"
#include "gradpack.h"

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

extern "C" {
#include "core/os.h"
}

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <istream>
#include <streambuf>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

std::mutex config_mutex;
std::string model_path; // empty: the build's default, default_model()
bool model_explicit = false;

// The build's default model (-Dface_model): an absolute path as it is (Debian's
// /usr/share/dlib/...), a relative one inside the data directory (the Windows
// zip: templates/dlib/... beside gradpack.exe, found through gp_datadir()).
bool default_in_datadir()
{
    const char *d = GPI_FACE_DEFAULT_MODEL;
    return !(d[0] == '/' || d[0] == '\\' || (d[0] && d[1] == ':'));
}

std::string default_model()
{
    if (!default_in_datadir())
        return GPI_FACE_DEFAULT_MODEL;
    return std::string(gp_datadir()) + "/" + GPI_FACE_DEFAULT_MODEL;
}

// the model that will be loaded; called with config_mutex held
std::string resolved_path;
const std::string &chosen_model()
{
    resolved_path = model_path.empty() ? default_model() : model_path;
    return resolved_path;
}

std::once_flag load_once;
gpi_face_status load_status = GPI_FACE_NO_MODEL;
std::string load_message;
dlib::shape_predictor *predictor = nullptr; // shared, read-only after load
dlib::frontal_face_detector *prototype = nullptr; // copied by every thread

// An input stream over a file the platform layer opened (read once, in
// order: all dlib::deserialize needs).  Closes the file.
class fd_stream : public std::streambuf {
  public:
    explicit fd_stream(int fd) : fd(fd) {}
    ~fd_stream() override { gpi_os_close(fd); }
    fd_stream(const fd_stream &) = delete;
    fd_stream &operator=(const fd_stream &) = delete;

  protected:
    int_type underflow() override
    {
        if (gptr() < egptr())
            return traits_type::to_int_type(*gptr());
        long n = gpi_os_read(fd, buffer.data(), buffer.size());
        if (n <= 0)
            return traits_type::eof(); // a read error ends the stream: dlib then throws
        setg(buffer.data(), buffer.data(), buffer.data() + n);
        return traits_type::to_int_type(*gptr());
    }

  private:
    int fd;
    std::vector<char> buffer = std::vector<char>(1 << 16); // may be a worker's small stack
};

void load_model()
{
    std::string path;
    bool shipped = false; // the default model, shipped beside the templates
    {
        std::lock_guard<std::mutex> lock(config_mutex);
        shipped = model_path.empty() && default_in_datadir();
        path = chosen_model();
    }
    try {
        if (!prototype)
            prototype = new dlib::frontal_face_detector(dlib::get_frontal_face_detector());
        // one open through the platform layer: a FIFO or device is refused
        // without blocking, nothing can be swapped between a look and the
        // open, and a UTF-8 path works on every Windows (std::ifstream
        // would take the ANSI code page there)
        gpi_os_stat st;
        int fd = gpi_os_open_read(path.c_str(), true, &st);
        int open_errno = errno;
        if (fd < 0 && open_errno == GPI_OS_ENOTREG) {
            load_message = "人脸特征点模型 " + path + " 不是普通文件（是" +
                           gpi_os_type_name(st.type) + "）";
            load_status = GPI_FACE_NO_MODEL;
            return;
        }
        if (fd < 0 && (open_errno == ENOENT || open_errno == ENOTDIR)) {
            load_message = "找不到人脸特征点模型文件 " + path +
                           (shipped ? "（它随 gradpack 一起发布：请重新完整解压；也可用 --face-model 指定）"
                                    : "（Debian 软件包 libdlib-data 提供；也可用 --face-model 指定）");
            load_status = GPI_FACE_NO_MODEL;
            return;
        }
        if (fd < 0) {
            load_message = "人脸特征点模型文件 " + path + " 无法打开：" + gpi_os_strerror(open_errno);
            load_status = GPI_FACE_NO_MODEL;
            return;
        }
        fd_stream file(fd);
        std::istream in(&file);
        // owned until it is known good: a truncated model throws mid-way
        std::unique_ptr<dlib::shape_predictor> sp(new dlib::shape_predictor());
        dlib::deserialize(*sp, in);
        if (sp->num_parts() != GPI_FACE_POINTS) {
            load_message = "人脸特征点模型 " + path + " 不是 68 点模型";
            load_status = GPI_FACE_NO_MODEL;
            return;
        }
        predictor = sp.release();
        load_status = GPI_FACE_OK;
    } catch (const std::exception &e) {
        // dlib's serialization errors are several English lines: the first says what
        std::string what = e.what();
        load_message = "人脸特征点模型 " + path + " 无法读取：" + what.substr(0, what.find('\n'));
        load_status = GPI_FACE_NO_MODEL;
    } catch (...) {
        load_message = "人脸特征点模型 " + path + " 无法读取";
        load_status = GPI_FACE_NO_MODEL;
    }
}

// dlib's frontal face detector is five HOG filters sharing one feature
// pyramid: looking straight ahead, turned left, turned right, and rolled
// either way.  ID photos look straight ahead, so the first filter alone is
// tried first (most of the detector's time is the filters' convolutions);
// only when it finds nothing do all five run.
struct detectors {
    dlib::frontal_face_detector all{*prototype}; // set by load_model
    dlib::frontal_face_detector front{all.get_scanner(), all.get_overlap_tester(), all.get_w(0)};
};

// Sets not in use.  Never shrinks: a set is about 1 MB, and there are at most
// as many as the threads that ever detected at the same time.
std::mutex shelf_mutex;
std::vector<std::unique_ptr<detectors>> shelf;

// One call's detectors: taken from the shelf (or copied from the prototype
// when it is empty) and put back when the call ends.
class borrowed_detectors {
  public:
    borrowed_detectors()
    {
        {
            std::lock_guard<std::mutex> lock(shelf_mutex);
            if (!shelf.empty()) {
                set = std::move(shelf.back());
                shelf.pop_back();
            }
        }
        if (!set)
            set.reset(new detectors()); // may throw: the caller catches
    }
    ~borrowed_detectors()
    {
        std::lock_guard<std::mutex> lock(shelf_mutex);
        try {
            shelf.push_back(std::move(set));
        } catch (...) {
            // no room on the shelf: the set is freed with this object
        }
    }
    borrowed_detectors(const borrowed_detectors &) = delete;
    borrowed_detectors &operator=(const borrowed_detectors &) = delete;
    detectors &operator*() { return *set; }

  private:
    std::unique_ptr<detectors> set;
};

// dlib's detector reports only faces whose box is at least its 80×80 window;
// ID photos have large faces, so the image is enlarged (1.5×) only when
// nothing is found at its own size and it is small.
constexpr long upsample_below = 400;

} // namespace

extern "C" bool gpi_face_built(void)
{
    return true;
}

extern "C" void gpi_face_set_model(const char *path, bool explicit_choice)
{
    std::lock_guard<std::mutex> lock(config_mutex);
    if (model_explicit && !explicit_choice)
        return; // the user's choice wins over a profile's
    try {
        model_path = path && *path ? path : ""; // "": the default, resolved when used
    } catch (...) {
    }
    model_explicit = explicit_choice && path && *path;
}

extern "C" const char *gpi_face_model_path(void)
{
    std::lock_guard<std::mutex> lock(config_mutex);
    return chosen_model().c_str();
}

extern "C" gpi_face_status gpi_face_load(char *message, size_t size)
{
    try {
        std::call_once(load_once, load_model);
    } catch (...) {
        load_status = GPI_FACE_NO_MODEL;
    }
    if (message && size) {
        message[0] = '\0';
        if (load_status != GPI_FACE_OK)
            std::snprintf(message, size, "%s", load_message.c_str());
    }
    return load_status;
}

extern "C" int gpi_face_detect(const unsigned char *rgb, int width, int height, int stride,
                              gpi_face *faces, int max_faces, gpi_face_status *status)
{
    gpi_face_status st = gpi_face_load(nullptr, 0);
    if (status)
        *status = st;
    if (st != GPI_FACE_OK)
        return -1;
    if (!rgb || width <= 0 || height <= 0 || stride < width * 3)
        return 0;
    try {
        dlib::array2d<unsigned char> grey(height, width);
        for (int y = 0; y < height; y++) {
            const unsigned char *row = rgb + (size_t)y * (size_t)stride;
            for (int x = 0; x < width; x++) {
                const unsigned char *p = row + 3 * x;
                // ITU-R BT.601 luma, as dlib's own rgb → grey conversion
                grey[y][x] = (unsigned char)((p[0] * 299 + p[1] * 587 + p[2] * 114 + 500) / 1000);
            }
        }
        borrowed_detectors borrowed;
        detectors &d = *borrowed;
        std::vector<std::pair<double, dlib::rectangle>> found;
        double scale = 1.0;
        dlib::array2d<unsigned char> big;
        const dlib::array2d<unsigned char> *image = &grey;
        // a well-framed ID photo's face fills a third to a half of the
        // width: found on the preview reduced to 4/5 (0.64 of the pixels)
        if (width >= 200) {
            dlib::array2d<unsigned char> small(height * 4 / 5, width * 4 / 5);
            dlib::resize_image(grey, small);
            d.front(small, found);
            double k = (double)width / small.nc();
            for (auto &f : found)
                f.second = dlib::rectangle((long)std::lround(f.second.left() * k),
                                           (long)std::lround(f.second.top() * k),
                                           (long)std::lround((f.second.right() + 1) * k) - 1,
                                           (long)std::lround((f.second.bottom() + 1) * k) - 1);
        }
        if (found.empty())
            d.front(grey, found);
        if (found.empty())
            d.all(grey, found);
        if (found.empty() && std::max(width, height) < upsample_below) {
            // 1.5×: faces down to about 55 pixels wide (a fifth of a
            // 240-pixel preview) at 2.25× the cost, not 4× as pyramid_up
            big.set_size(height * 3 / 2, width * 3 / 2);
            dlib::resize_image(grey, big);
            d.all(big, found);
            scale = (double)big.nc() / width;
            image = &big;
        }
        std::sort(found.begin(), found.end(),
                  [](const auto &a, const auto &b) { return a.first > b.first; });
        int n = (int)found.size();
        for (int i = 0; i < n && i < max_faces; i++) {
            const dlib::rectangle &r = found[i].second;
            dlib::full_object_detection shape = (*predictor)(*image, r);
            gpi_face *f = &faces[i];
            f->left = r.left() / scale;
            f->top = r.top() / scale;
            f->right = (r.right() + 1) / scale;
            f->bottom = (r.bottom() + 1) / scale;
            f->score = found[i].first;
            for (unsigned k = 0; k < GPI_FACE_POINTS && k < shape.num_parts(); k++) {
                // dlib's points are pixel centres; +0.5 makes them continuous
                // coordinates, so that scaling to the photo stays exact
                f->x[k] = (shape.part(k).x() + 0.5) / scale;
                f->y[k] = (shape.part(k).y() + 0.5) / scale;
            }
        }
        return n;
    } catch (...) {
        return 0;
    }
}
