using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WearableEdge.EdgeService.Auth;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests.Auth;

/// <summary>Access control through the real host on a free port: who may call what, sign-in, its rate limit, tokens.</summary>
[Collection(SiteKeyEnvironment.Name)]
public sealed class AuthHostTests : IAsyncLifetime
{
    private readonly TestDataDirectory _data = new();
    private readonly TestDataDirectory _models = new();
    private WebApplication? _app;

    private WebApplication App => _app ?? throw new InvalidOperationException("Not started.");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await StartInAsync(_data.Path, "--Auth:SignInAttempts=3");

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        _models.Dispose();
        _data.Dispose();
    }

    [Theory]
    [InlineData("/api/alerts")]
    [InlineData("/api/patients")]
    [InlineData("/api/models")]
    [InlineData("/api/me")]
    [InlineData("/metrics")]
    public async Task Get_Unauthenticated_Is401NotRedirect(string path)
    {
        using var http = TestAccess.Client(App, token: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Health_Unauthenticated_Answers()
    {
        using var http = TestAccess.Client(App, token: null);

        using var response = await http.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Page_UnauthenticatedBrowser_RedirectsToLoginWithReturnUrl()
    {
        using var http = TestAccess.Client(App, token: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/index.html");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
        Assert.Contains("returnUrl=%2Findex.html", response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_Unauthenticated_IsNotChallenged()
    {
        using var http = TestAccess.Client(App, token: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/login.html");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await http.SendAsync(request, Ct);

        // 200 once the dashboard ships the page, 404 without it; never a 401 or a redirect to itself.
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, response.StatusCode.ToString());
    }

    [Fact]
    public async Task SignInJson_WrongPassword_Is401AndSetsNoCookie()
    {
        await App.Services.GetRequiredService<UserStore>().AddAsync("alice", TestAccess.Password, Roles.Nurse, Ct);
        using var http = TestAccess.Client(App, token: null);

        using var response = await http.PostAsJsonAsync("/auth/login", new { username = "alice", password = "not-the-password" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task SignInJson_RightPassword_SetsStrictHttpOnlyCookieThatSignsIn()
    {
        await App.Services.GetRequiredService<UserStore>().AddAsync("alice", TestAccess.Password, Roles.Nurse, Ct);
        using var http = TestAccess.Client(App, token: null);

        using var response = await http.PostAsJsonAsync("/auth/login", new { username = "ALICE", password = TestAccess.Password }, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(AuthRegistration.CookieName + "=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        using var me = JsonDocument.Parse(await http.GetStringAsync("/api/me", Ct));
        Assert.Equal("alice", me.RootElement.GetProperty("username").GetString());
        Assert.Equal("nurse", me.RootElement.GetProperty("role").GetString());

        using var logout = await http.PostAsync("/auth/logout", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var after = await http.GetAsync("/api/me", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task SignInForm_RedirectsToLocalReturnUrlOnly()
    {
        await App.Services.GetRequiredService<UserStore>().AddAsync("alice", TestAccess.Password, Roles.Nurse, Ct);
        using var http = TestAccess.Client(App, token: null);

        using var good = await http.PostAsync("/auth/login", Form("alice", TestAccess.Password, "/ward?x=1"), Ct);
        using var open = await http.PostAsync("/auth/login", Form("alice", TestAccess.Password, "//evil.example/"), Ct);
        using var wrong = await http.PostAsync("/auth/login", Form("alice", "wrong-password!", "/ward"), Ct);

        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal("/ward?x=1", good.Headers.Location!.OriginalString);
        Assert.Equal("/", open.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
        Assert.StartsWith("/login?error=1", wrong.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_PastTheLimitPerWindow_Is429WithRetryAfter()
    {
        using var http = TestAccess.Client(App, token: null);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await http.PostAsJsonAsync("/auth/login", new { username = "mallory", password = $"guess-number-{i}" }, Ct);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        var retryAfter = int.Parse(Assert.Single(last!.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        last.Dispose();
    }

    [Fact]
    public async Task Bearer_ValidToken_SignsInAsItsUser_AndUnknownTokenIs401()
    {
        using var http = TestAccess.Client(App, await TestAccess.TokenAsync(App, Roles.Nurse, Ct, "bob"));
        using var bad = TestAccess.Client(App, TokenStore.Prefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        using var me = JsonDocument.Parse(await http.GetStringAsync("/api/me", Ct));
        using var alerts = await http.GetAsync("/api/alerts", Ct);
        using var refused = await bad.GetAsync("/api/alerts", Ct);

        Assert.Equal("bob", me.RootElement.GetProperty("username").GetString());
        Assert.Equal(HttpStatusCode.OK, alerts.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReloadModels_Nurse403_Admin200()
    {
        using var nurse = await TestAccess.ClientAsync(App, Roles.Nurse, Ct);
        using var admin = await TestAccess.ClientAsync(App, Roles.Admin, Ct);

        using var byNurse = await nurse.PostAsync("/api/models/reload", null, Ct);
        using var byAdmin = await admin.PostAsync("/api/models/reload", null, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, byNurse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
    }

    [Fact]
    public async Task Tokens_AdminCreatesAndRevokes_RevokedTokenIs401_NurseMayNotManage()
    {
        using var admin = await TestAccess.ClientAsync(App, Roles.Admin, Ct);
        using var nurse = await TestAccess.ClientAsync(App, Roles.Nurse, Ct);

        using var created = await admin.PostAsJsonAsync("/api/tokens", new { name = "bedside-monitor", expiresInDays = 30 }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var issued = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        var token = issued.RootElement.GetProperty("token").GetString()!;
        var id = issued.RootElement.GetProperty("id").GetString()!;
        using var client = TestAccess.Client(App, token);
        using var before = await client.GetAsync("/api/alerts", Ct);

        using var revoked = await admin.DeleteAsync($"/api/tokens/{id}", Ct);
        using var after = await client.GetAsync("/api/alerts", Ct);
        using var nurseCreates = await nurse.PostAsJsonAsync("/api/tokens", new { name = "x" }, Ct);
        using var nurseRevokes = await nurse.DeleteAsync($"/api/tokens/{id}", Ct);
        using var nurseAddsUser = await nurse.PostAsJsonAsync("/api/users", new { username = "eve", password = TestAccess.Password, role = "admin" }, Ct);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nurseCreates.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nurseRevokes.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nurseAddsUser.StatusCode);
        var list = await admin.GetStringAsync("/api/tokens", Ct);
        Assert.DoesNotContain(token, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_AdminAddsNurse_WhoCanSignIn_ShortPasswordIs400_DuplicateIs409()
    {
        using var admin = await TestAccess.ClientAsync(App, Roles.Admin, Ct);

        using var added = await admin.PostAsJsonAsync("/api/users", new { username = "carol", password = TestAccess.Password, role = "nurse" }, Ct);
        using var again = await admin.PostAsJsonAsync("/api/users", new { username = "Carol", password = TestAccess.Password, role = "nurse" }, Ct);
        using var weak = await admin.PostAsJsonAsync("/api/users", new { username = "dave", password = "short", role = "nurse" }, Ct);
        using var http = TestAccess.Client(App, token: null);
        using var signIn = await http.PostAsJsonAsync("/auth/login", new { username = "carol", password = TestAccess.Password }, Ct);

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("12", await weak.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
    }

    [Fact]
    public async Task CookieSession_UserDisabled_EndsAtNextRequest()
    {
        await App.Services.GetRequiredService<UserStore>().AddAsync("alice", TestAccess.Password, Roles.Nurse, Ct);
        using var http = TestAccess.Client(App, token: null);
        using var signIn = await http.PostAsJsonAsync("/auth/login", new { username = "alice", password = TestAccess.Password }, Ct);
        using var before = await http.GetAsync("/api/me", Ct);

        await SqlQueries.ExecuteAsync(App.Services.GetRequiredService<EdgeDatabase>(), "UPDATE users SET disabled = 1 WHERE username = 'alice';");
        using var after = await http.GetAsync("/api/me", Ct);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task BootstrapAdmin_NoAdminYet_IsCreatedFromConfiguration()
    {
        await using var data = new AsyncFolder();
        var passwordFile = Path.Combine(data.Path, "admin.password");
        await File.WriteAllTextAsync(passwordFile, "bootstrap-admin-password\n", Ct);
        var app = await StartInAsync(data.Path, "--Auth:BootstrapAdmin:Username=head-nurse", $"--Auth:BootstrapAdmin:PasswordFile={passwordFile}");
        await using (app)
        {
            using var http = TestAccess.Client(app, token: null);
            using var signIn = await http.PostAsJsonAsync("/auth/login", new { username = "head-nurse", password = "bootstrap-admin-password" }, Ct);
            using var me = JsonDocument.Parse(await http.GetStringAsync("/api/me", Ct));

            Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
            Assert.Equal("admin", me.RootElement.GetProperty("role").GetString());
            await app.StopAsync(Ct);
        }
    }

    [Theory]
    [InlineData("short-pass\n", "Auth:BootstrapAdmin:PasswordFile: the password must be at least 12 characters long.")]
    [InlineData(null, "Auth:BootstrapAdmin:PasswordFile: cannot read")]
    public async Task BootstrapAdmin_BadPasswordFile_IsConfigurationErrorNamingKey(string? content, string expected)
    {
        await using var data = new AsyncFolder();
        var passwordFile = Path.Combine(data.Path, "admin.password");
        if (content is not null)
        {
            await File.WriteAllTextAsync(passwordFile, content, Ct);
        }

        var app = Build(data.Path, "--Auth:BootstrapAdmin:Username=head-nurse", $"--Auth:BootstrapAdmin:PasswordFile={passwordFile}");
        await using (app)
        {
            var error = Assert.ThrowsAny<Exception>(() => EdgeServiceHost.ValidateConfiguration(app));

            Assert.True(EdgeServiceHost.IsConfigurationError(error, out var message), error.ToString());
            Assert.StartsWith(expected, message, StringComparison.Ordinal);
        }
    }

    private static FormUrlEncodedContent Form(string username, string password, string returnUrl) => new(new Dictionary<string, string>
    {
        ["username"] = username,
        ["password"] = password,
        ["returnUrl"] = returnUrl,
    });

    private async Task<WebApplication> StartInAsync(string dataDirectory, params string[] settings)
    {
        var app = Build(dataDirectory, settings);
        EdgeServiceHost.ValidateConfiguration(app);
        await app.StartAsync(Ct);
        return app;
    }

    private WebApplication Build(string dataDirectory, params string[] settings) => EdgeServiceHost.Build(
    [
        "--urls=http://127.0.0.1:0", "--Mqtt:EmbeddedPort=0", "--Logging:LogLevel:Default=None",
        $"--Storage:DataDirectory={dataDirectory}", $"--Models:Path={_models.Path}", "--Models:WatchFolder=false", .. settings,
    ]);

    /// <summary>A second data folder for a second host in one test.</summary>
    private sealed class AsyncFolder : IAsyncDisposable
    {
        private readonly TestDataDirectory _folder = new();

        public string Path => _folder.Path;

        public ValueTask DisposeAsync()
        {
            _folder.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
