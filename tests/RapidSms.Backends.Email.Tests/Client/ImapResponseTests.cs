using System.Text;
using RapidSms.Backends.Email.Client;

namespace RapidSms.Backends.Email.Tests.Client;

/// <summary>IMAP response parsing: atoms, quoted strings, literals, lists, NIL and section specs.</summary>
public sealed class ImapResponseTests
{
    [Fact]
    public void Tokenize_FetchItems_KeepsSectionSpecsWhole()
    {
        var tokens = ImapResponse.Tokenize("7 FETCH (UID 42 FLAGS (\\Seen \\Flagged) BODY[HEADER.FIELDS (FROM TO)]<0> NIL ENVELOPE (\"a \\\"quoted\\\" \\\\ string\" NIL))");

        tokens[0].Should().Be("7");
        tokens[1].Should().Be("FETCH");
        var items = (List<object?>)tokens[2]!;
        items[0].Should().Be("UID");
        items[1].Should().Be("42");
        ((List<object?>)items[3]!).Should().Equal("\\Seen", "\\Flagged");
        items[4].Should().Be("BODY[HEADER.FIELDS (FROM TO)]<0>");
        items[5].Should().BeNull();
        var envelope = (List<object?>)items[7]!;
        ImapResponse.AsString(envelope[0]).Should().Be("a \"quoted\" \\ string");
        envelope[1].Should().BeNull();
    }

    [Fact]
    public async Task ReadAsync_LiteralsInsideALine_AreReadByCount()
    {
        var body = "Subject: x\r\n\r\n{5}\r\n) not the end\r\n";
        var wire = $"* 1 FETCH (UID 9 BODY[]<0> {{{Encoding.UTF8.GetByteCount(body)}}}\r\n{body} FLAGS (\\Recent))\r\n"
            + "* SEARCH 3 4 5\r\n"
            + "R0001 OK [READ-WRITE] done\r\n"
            + "+ idling\r\n";
        await using var connection = new MailConnection(new MemoryStream(Encoding.UTF8.GetBytes(wire)), 1024, null);

        var fetch = await ImapResponse.ReadAsync(connection, 1024, CancellationToken.None);
        var search = await ImapResponse.ReadAsync(connection, 1024, CancellationToken.None);
        var done = await ImapResponse.ReadAsync(connection, 1024, CancellationToken.None);
        var more = await ImapResponse.ReadAsync(connection, 1024, CancellationToken.None);

        var items = (List<object?>)fetch.Tokens[2]!;
        Encoding.UTF8.GetString((byte[])items[3]!).Should().Be(body);
        items[4].Should().Be("FLAGS");
        search.Tokens.Should().Equal("SEARCH", "3", "4", "5");
        (done.Tag, done.Status, done.Code, done.Text).Should().Be(("R0001", "OK", "READ-WRITE", "done"));
        (more.Tag, more.Text).Should().Be(("+", "idling"));
    }

    [Fact]
    public async Task ReadAsync_LiteralLargerThanAllowed_Throws()
    {
        await using var connection = new MailConnection(new MemoryStream("* 1 FETCH (BODY[] {999999}\r\n"u8.ToArray()), 1024, null);

        var read = async () => await ImapResponse.ReadAsync(connection, 1024, CancellationToken.None);

        await read.Should().ThrowAsync<IOException>().WithMessage("*999999*");
    }

    [Fact]
    public async Task ReadLineAsync_LineLongerThanAllowed_Throws()
    {
        await using var connection = new MailConnection(new MemoryStream(Encoding.ASCII.GetBytes(new string('a', 5000))), 1024, null);

        var read = async () => await connection.ReadLineAsync(CancellationToken.None);

        await read.Should().ThrowAsync<IOException>();
    }

    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("Entrée", "Entr&AOk-e")]
    [InlineData("a&b", "a&-b")]
    [InlineData("台北", "&U,BTFw-")]
    public void EncodeMailboxName_UsesModifiedUtf7(string name, string expected)
    {
        ImapClient.EncodeMailboxName(name).Should().Be(expected);
    }
}
