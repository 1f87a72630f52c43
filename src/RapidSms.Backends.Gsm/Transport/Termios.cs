using System.Runtime.InteropServices;

namespace RapidSms.Backends.Gsm.Transport;

/// <summary>POSIX calls for serial devices (Linux glibc layouts and constants).</summary>
internal static unsafe partial class Termios
{
    public const int ORdWr = 0x2;
    public const int ONoCtty = 0x100;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;
    public const int TcsaNow = 0;
    public const int TciOFlush = 2;
    public const short PollIn = 0x1;
    public const short PollOut = 0x4;
    public const short PollErr = 0x8;
    public const short PollHup = 0x10;
    public const short PollNval = 0x20;
    public const int EIntr = 4;
    public const int EIO = 5;
    public const int EAgain = 11;
    public const uint CRead = 0x80;
    public const uint CLocal = 0x800;
    public const uint CStopB = 0x40;
    public const uint CRtsCts = 0x80000000;
    public const int VTime = 5;
    public const int VMin = 6;

    private const string Libc = "libc";

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Libc, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int GetAttributes(int fd, TermiosData* data);

    [LibraryImport(Libc, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int SetAttributes(int fd, int when, TermiosData* data);

    [LibraryImport(Libc, EntryPoint = "cfmakeraw")]
    public static partial void MakeRaw(TermiosData* data);

    [LibraryImport(Libc, EntryPoint = "cfsetispeed", SetLastError = true)]
    public static partial int SetInputSpeed(TermiosData* data, uint speed);

    [LibraryImport(Libc, EntryPoint = "cfsetospeed", SetLastError = true)]
    public static partial int SetOutputSpeed(TermiosData* data, uint speed);

    [LibraryImport(Libc, EntryPoint = "tcflush", SetLastError = true)]
    public static partial int Flush(int fd, int queue);

    /// <summary>The <c>Bnnn</c> constant for a baud rate, or <see langword="null"/> when Linux has none.</summary>
    public static uint? SpeedOf(int baudRate) => baudRate switch
    {
        1200 => 0x9,
        2400 => 0xB,
        4800 => 0xC,
        9600 => 0xD,
        19200 => 0xE,
        38400 => 0xF,
        57600 => 0x1001,
        115200 => 0x1002,
        230400 => 0x1003,
        460800 => 0x1004,
        500000 => 0x1005,
        576000 => 0x1006,
        921600 => 0x1007,
        _ => null,
    };

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>glibc's <c>struct termios</c> on Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TermiosData
    {
        public uint InputFlags;
        public uint OutputFlags;
        public uint ControlFlags;
        public uint LocalFlags;
        public byte Line;
        public fixed byte ControlChars[32];
        public uint InputSpeed;
        public uint OutputSpeed;
    }
}
