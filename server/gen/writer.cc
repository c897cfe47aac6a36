#include "gen/writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace rounds::gen {

OutFile::OutFile(const std::filesystem::path& path) : path_(path), buf_(new char[kCapacity]), cap_(kCapacity) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw std::system_error(errno, std::generic_category(), "open " + path.string());
}

OutFile::~OutFile() {
    if (fd_ >= 0) {
        try {
            Close();
        } catch (...) {  // NOLINT(bugprone-empty-catch): destructor must not throw
        }
    }
}

void OutFile::Close() {
    if (fd_ < 0)
        return;
    Flush();
    ::close(fd_);
    fd_ = -1;
}

void OutFile::Grow(std::size_t n) {
    std::size_t cap = cap_ * 2;
    while (size_ + n > cap)
        cap *= 2;
    std::unique_ptr<char[]> nb(new char[cap]);
    std::memcpy(nb.get(), buf_.get(), size_);
    buf_ = std::move(nb);
    cap_ = cap;
}

void OutFile::Flush() {
    const char* p = buf_.get();
    std::size_t left = size_;
    while (left > 0) {
        const ssize_t w = ::write(fd_, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            throw std::system_error(errno, std::generic_category(), "write " + path_.string());
        }
        p += w;
        left -= static_cast<std::size_t>(w);
    }
    written_ += size_;
    size_ = 0;
}

void OutFile::PutUInt(std::uint64_t v) {
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    Ensure(static_cast<std::size_t>(n));
    while (n > 0)
        buf_[size_++] = tmp[--n];
}

void OutFile::PutUIntPadded(std::uint64_t v, int width) {
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    Ensure(static_cast<std::size_t>(n > width ? n : width));
    for (int i = n; i < width; ++i)
        buf_[size_++] = '0';
    while (n > 0)
        buf_[size_++] = tmp[--n];
}

namespace {
constexpr std::int64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
}

void OutFile::PutFixed(std::int64_t scaled, int decimals) {
    if (scaled < 0) {
        Put('-');
        scaled = -scaled;
    }
    const std::int64_t p = kPow10[decimals];
    PutUInt(static_cast<std::uint64_t>(scaled / p));
    if (decimals > 0) {
        Put('.');
        PutUIntPadded(static_cast<std::uint64_t>(scaled % p), decimals);
    }
}

void OutFile::PutTrimmed(std::int64_t scaled, int decimals) {
    if (scaled < 0) {
        Put('-');
        scaled = -scaled;
    }
    const std::int64_t p = kPow10[decimals];
    PutUInt(static_cast<std::uint64_t>(scaled / p));
    std::int64_t frac = scaled % p;
    if (frac == 0)
        return;
    int d = decimals;
    while (frac % 10 == 0) {
        frac /= 10;
        --d;
    }
    Put('.');
    PutUIntPadded(static_cast<std::uint64_t>(frac), d);
}

std::int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int>(doe) - 719468;
}

void OutFile::PutDate(std::int32_t days) {
    const std::int32_t z = days + 719468;
    const std::int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int y0 = static_cast<int>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const int y = y0 + (m <= 2 ? 1 : 0);
    Ensure(10);
    char* o = buf_.get() + size_;
    o[0] = static_cast<char>('0' + m / 10);
    o[1] = static_cast<char>('0' + m % 10);
    o[2] = '/';
    o[3] = static_cast<char>('0' + d / 10);
    o[4] = static_cast<char>('0' + d % 10);
    o[5] = '/';
    o[6] = static_cast<char>('0' + y / 1000);
    o[7] = static_cast<char>('0' + (y / 100) % 10);
    o[8] = static_cast<char>('0' + (y / 10) % 10);
    o[9] = static_cast<char>('0' + y % 10);
    size_ += 10;
}

void OutFile::PutUpper(std::string_view s) {
    Ensure(s.size());
    char* o = buf_.get() + size_;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 'a' && c <= 'z') {
            c = static_cast<unsigned char>(c - 32);
        } else if (i > 0) {
            const auto lead = static_cast<unsigned char>(s[i - 1]);
            // U+00E0..U+00FE (except U+00F7) -> U+00C0..U+00DE
            if (lead == 0xC3 && c >= 0xA0 && c <= 0xBE && c != 0xB7)
                c = static_cast<unsigned char>(c - 0x20);
            // U+0159 r-caron, U+015B s-acute -> upper (even code points)
            if (lead == 0xC5 && (c == 0x99 || c == 0x9B))
                c = static_cast<unsigned char>(c - 1);
        }
        o[i] = static_cast<char>(c);
    }
    size_ += s.size();
}

void OutFile::PutTitle(std::string_view s) {
    Ensure(s.size());
    char* o = buf_.get() + size_;
    bool start = true;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (alpha) {
            if (start) {
                if (c >= 'a')
                    c = static_cast<unsigned char>(c - 32);
            } else if (c <= 'Z') {
                c = static_cast<unsigned char>(c + 32);
            }
            start = false;
        } else {
            start = c == ' ' || c == '-' || c == '.';
        }
        o[i] = static_cast<char>(c);
    }
    size_ += s.size();
}

void OutFile::Q(std::string_view s) {
    Ensure(s.size() * 2 + 3);
    buf_[size_++] = '"';
    if (s.find('"') == std::string_view::npos) {
        if (!s.empty())
            std::memcpy(buf_.get() + size_, s.data(), s.size());
        size_ += s.size();
    } else {
        for (char c : s) {
            if (c == '"')
                buf_[size_++] = '"';
            buf_[size_++] = c;
        }
    }
    buf_[size_++] = '"';
    buf_[size_++] = ',';
}

void OutFile::QUpper(std::string_view s) {
    Put('"');
    PutUpper(s);  // table texts never contain a double quote
    Put("\",");
}

void OutFile::QEmpty(int n) {
    static constexpr std::string_view kMany =
        R"("","","","","","","","","","","","","","","","","","","","","","","","","","","","","","","","",)";
    while (n > 32) {
        Put(kMany);
        n -= 32;
    }
    Put(kMany.substr(0, static_cast<std::size_t>(n) * 3));
}

namespace {
bool NeedsQuotes(std::string_view s) {
    // Hand loop: std::string_view::find_first_of calls memchr once per input character.
    for (const char c : s) {
        if (c == ',' || c == '"' || c == '\n' || c == '\r')
            return true;
    }
    return false;
}
}  // namespace

void OutFile::C(std::string_view s) {
    if (!NeedsQuotes(s)) {
        Ensure(s.size() + 1);
        if (!s.empty())
            std::memcpy(buf_.get() + size_, s.data(), s.size());
        size_ += s.size();
        buf_[size_++] = ',';
        return;
    }
    Q(s);
}

}  // namespace rounds::gen
