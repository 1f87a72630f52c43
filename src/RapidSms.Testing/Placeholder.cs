namespace RapidSms.Testing;

internal static class AssemblyMarker;
