package io.handoff.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The §10 URL and address rules, without Spring or network (IP literals and localhost resolve locally). */
class FileUrlPolicyTest {

    static final HostLookup LOOKUP = new HostLookup(Duration.ofSeconds(5), InetAddress::getAllByName);

    private final FileUrlPolicy nothingAllowed = new FileUrlPolicy(List.of(), LOOKUP);

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "127.0.0.1, loopback",
            "127.255.0.7, loopback",
            "10.1.2.3, private",
            "172.16.0.1, private",
            "172.31.255.255, private",
            "192.168.1.1, private",
            "169.254.169.254, link-local",
            "0.0.0.0, unspecified",
            "0.1.2.3, unspecified",
            "100.64.0.1, shared",
            "100.100.100.200, shared",
            "192.0.0.192, reserved",
            "198.18.0.1, reserved",
            "224.0.0.1, multicast",
            "240.0.0.1, reserved",
            "255.255.255.255, broadcast",
            "::1, loopback",
            "::, unspecified",
            "fe80::1, link-local",
            "febf::1, link-local",
            "fc00::1, private",
            "fd12:3456::1, private",
            "fec0::1, private",
            "ff02::1, multicast",
            "::ffff:127.0.0.1, loopback",
            "::ffff:169.254.169.254, link-local",
            "::ffff:10.0.0.1, private",
            "::127.0.0.1, 'loopback, inside an IPv6 address'",
            "64:ff9b::a9fe:a9fe, 'link-local, inside an IPv6 address'",
            "2002:c0a8:0101::1, 'private, inside an IPv6 address'",
    })
    void internalAddressesAreRefused(String address, String kind) throws Exception {
        assertThat(FileUrlPolicy.refusedClass(InetAddress.getByName(address))).isEqualTo(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "93.184.216.34", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1",
            "169.255.0.1", "2001:4860:4860::8888", "2606:4700::1111", "::ffff:8.8.8.8", "2002:0808:0808::1"})
    void publicAddressesPass(String address) throws Exception {
        assertThat(FileUrlPolicy.refusedClass(InetAddress.getByName(address))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1:8080/sandbox/console/api/settings",
            "http://[::1]:8080/x",
            "http://[::ffff:127.0.0.1]/x",
            "http://2130706433:8080/x",          // 127.0.0.1 as one decimal number
            "http://localhost:8080/x",
            "http://LocalHost:8080/x",
            "http://169.254.169.254/latest/meta-data/",
            "http://0.0.0.0:8080/",
            "https://10.0.0.5/file.pdf",
            "http://[fe80::1]/x",
            "http://[fd00::1]/x",
    })
    void internalHostsAreRefusedWhateverTheSpelling(String url) {
        assertThatThrownBy(() -> nothingAllowed.check(url)).isInstanceOf(FileNotFetchedException.class)
                .hasMessageContaining("not in handoff.files.allowed-hosts");
    }

    @Test
    void oddSpellingsOfLoopbackAreJudgedByTheirAddress() {
        assertThatThrownBy(() -> nothingAllowed.check("http://2130706433:8080/x"))
                .hasMessageContaining("resolves to 127.0.0.1 (loopback)");
        assertThatThrownBy(() -> nothingAllowed.check("http://[0:0:0:0:0:ffff:7f00:1]:8080/x"))
                .hasMessageContaining("resolves to 127.0.0.1 (loopback)");
        // 127.1 is no host to java.net.URI (nor to the HTTP client): refused before any lookup
        assertThatThrownBy(() -> nothingAllowed.check("http://127.1/x")).isInstanceOf(FileNotFetchedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://files.example.com/x", "gopher://127.0.0.1:70/_x", "jar:file:/x!/y",
            "dict://127.0.0.1:11211/", "data:text/plain,hi", "//files.example.com/x", "files.example.com/x", "http:/x",
            "http://user:pass@files.example.com/x", "http://files.example.com@127.0.0.1/x", "http://a b/", "http://host_name/x"})
    void otherSchemesAndMalformedUrlsAreRefused(String url) {
        assertThatThrownBy(() -> nothingAllowed.check(url)).isInstanceOf(FileNotFetchedException.class);
    }

    @Test
    void aPublicAddressPassesAndIsTheOneToConnectTo() throws Exception {
        FileUrlPolicy.CheckedUrl checked = nothingAllowed.check("https://8.8.8.8/file.pdf?sig=secret");
        assertThat(checked.allowListed()).isFalse();
        assertThat(checked.port()).isEqualTo(443);
        assertThat(checked.addresses()).containsExactly(InetAddress.getByName("8.8.8.8"));
    }

    @Test
    void anUnresolvableHostIsRefused() {
        assertThatThrownBy(() -> nothingAllowed.check("http://no-such-host.invalid/x"))
                .isInstanceOf(FileNotFetchedException.class).hasMessageContaining("does not resolve");
    }

    @Test
    void allowListEntriesMatchHostAndPortAsWritten() throws Exception {
        FileUrlPolicy policy = new FileUrlPolicy(List.of("127.0.0.1:8080", "files.intranet", "[::1]:9000"), LOOKUP);
        assertThat(policy.check("http://127.0.0.1:8080/any/path").allowListed()).isTrue();
        assertThat(policy.check("http://files.intranet/x").allowListed()).isTrue();
        assertThat(policy.check("https://FILES.intranet:8443/x").allowListed()).isTrue(); // no port: every port
        assertThat(policy.check("http://[::1]:9000/x").allowListed()).isTrue();
        // another port, or another spelling of the same address, is not the entry
        for (String url : List.of("http://127.0.0.1:8081/x", "http://127.0.0.1/x", "http://2130706433:8080/x",
                "http://localhost:8080/x", "http://[::1]:9001/x")) {
            assertThatThrownBy(() -> policy.check(url)).as(url).isInstanceOf(FileNotFetchedException.class);
        }
        // the allow-list does not make other schemes fetchable
        assertThatThrownBy(() -> policy.check("ftp://127.0.0.1:8080/x")).isInstanceOf(FileNotFetchedException.class);
    }

    @Test
    void aPathPrefixEntryAllowsOnlyPlainPathsUnderIt() throws Exception {
        FileUrlPolicy policy = new FileUrlPolicy(List.of("127.0.0.1:8080/sandbox/livechat/cdn/", "localhost:8080/files"), LOOKUP);
        assertThat(policy.check("http://127.0.0.1:8080/sandbox/livechat/cdn/sample/price-list.txt").allowListed()).isTrue();
        assertThat(policy.check("http://127.0.0.1:8080/sandbox/livechat/cdn/a/doc%201.pdf?x=1").allowListed()).isTrue();
        assertThat(policy.check("http://localhost:8080/files").allowListed()).isTrue();
        assertThat(policy.check("http://localhost:8080/files/x.png").allowListed()).isTrue();
        for (String url : List.of(
                "http://127.0.0.1:8080/sandbox/console/api/settings",
                "http://127.0.0.1:8080/sandbox/livechat/cdn",                          // the prefix ends with /
                "http://127.0.0.1:8080/sandbox/livechat/cdn/../../console/api/settings",
                "http://127.0.0.1:8080/sandbox/livechat/cdn/./x",
                "http://127.0.0.1:8080/sandbox/livechat/cdn//../../console/api/settings",
                "http://127.0.0.1:8080/sandbox/livechat/cdn/..;/..;/console/api/settings",
                "http://127.0.0.1:8080/sandbox/livechat/cdn/%2e%2e/%2E%2E/console/api/settings",
                "http://127.0.0.1:8080/sandbox/livechat/cdn/..%2f..%2fconsole/api/settings",
                "http://127.0.0.1:8080/sandbox/livechat/cdn/..%5c..%5cconsole",
                "http://127.0.0.1:8080/sandbox/livechat/cdn/%252e%252e/x",
                "http://127.0.0.1:8080/sandbox/livechat/cdn/x;jsessionid=1",
                "http://localhost:8080/filesystem/x",                                  // not at a segment boundary
                "http://127.0.0.1:8081/sandbox/livechat/cdn/x")) {
            assertThatThrownBy(() -> policy.check(url)).as(url).isInstanceOf(FileNotFetchedException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://files.intranet", "files.intranet:8080/a/../b/", "files.intranet/a//b", "user@files.intranet",
            "files.intranet?x=1", "files.intranet:8080/cdn/%2e/"})
    void aMalformedAllowListEntryFailsTheStart(String entry) {
        assertThatThrownBy(() -> new FileUrlPolicy(List.of("ok.example", entry), LOOKUP)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("handoff.files.allowed-hosts");
    }

    @Test
    void theLoggedUrlHasNoSecretsAndNoLineBreaks() {
        assertThat(LoggedUrl.of("https://user:pw@files.example.com:8443/a/b.pdf?X-Amz-Signature=secret#frag"))
                .isEqualTo("https://files.example.com:8443/a/b.pdf");
        assertThat(LoggedUrl.text("a\r\nforged line")).isEqualTo("a\\r\\nforged line");
    }
}
