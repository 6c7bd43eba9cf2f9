using Cni.Tests;

namespace Cni.Docs.Tests;

/// <summary>
/// The docs site in a real browser: each page loads from the local server with no error in the console,
/// shows the headings it must, and is saved as a screenshot in artifacts/docs-screenshots; the site's own
/// search (its lunr index, in a web worker) finds <c>CniPlugin</c>.
/// </summary>
public sealed class SiteTests(DocsSite site) : IClassFixture<DocsSite>
{
    [Fact]
    public void Home_page_loads_without_errors_and_links_the_guide_and_the_api()
    {
        using Chromium.Tab tab = site.Browser().NewTab();
        tab.Navigate(DocsSite.BaseUrl + "index.html");
        tab.Screenshot(Path.Combine(DocsSite.ScreenshotDir, "home.png"));

        Assert.Empty(tab.Errors());
        List<string> headings = tab.Headings();
        Assert.Equal("Cni.Libraries", headings.First());
        Assert.Contains("Where to start", headings);
        tab.WaitUntil("document.querySelectorAll('#navbar a').length >= 2", "the top navigation");
        string nav = tab.Evaluate("[...document.querySelectorAll('#navbar a')].map(a => a.textContent.trim())");
        Assert.Contains("\"Guide\"", nav, StringComparison.Ordinal);
        Assert.Contains("\"API\"", nav, StringComparison.Ordinal);
        Assert.Empty(tab.Errors());
    }

    [Fact]
    public void CniPlugin_api_page_shows_the_class_and_its_Run_methods()
    {
        using Chromium.Tab tab = site.Browser().NewTab();
        tab.Navigate(DocsSite.BaseUrl + "api/Cni.Skel.CniPlugin.html");
        tab.WaitUntil("document.querySelectorAll('#toc a').length > 0", "the API table of contents");
        tab.Screenshot(Path.Combine(DocsSite.ScreenshotDir, "api-CniPlugin.png"));

        Assert.Empty(tab.Errors());
        Assert.Equal("Class CniPlugin", tab.Headings("article h1").Single());
        Assert.Contains("Methods", tab.Headings("article h2"));
        List<string> methods = tab.Headings("article h3");
        Assert.Contains(methods, h => h.StartsWith("Run(ICniPlugin, CniInvocation)", StringComparison.Ordinal));
        Assert.Contains(methods, h => h.StartsWith("Run(ICniPlugin, string[])", StringComparison.Ordinal));
        string toc = tab.Evaluate("[...document.querySelectorAll('#toc a')].map(a => a.textContent.trim())");
        Assert.Contains("\"Cni.Spec\"", toc, StringComparison.Ordinal);
        Assert.Contains("\"Cni.Netlink\"", toc, StringComparison.Ordinal);
        Assert.Contains("\"Cni.Ipam\"", toc, StringComparison.Ordinal);
    }

    [Fact]
    public void Getting_started_page_shows_its_steps()
    {
        using Chromium.Tab tab = site.Browser().NewTab();
        tab.Navigate(DocsSite.BaseUrl + "articles/getting-started.html");
        tab.WaitUntil("document.querySelectorAll('#toc a').length > 0", "the guide's table of contents");
        tab.Screenshot(Path.Combine(DocsSite.ScreenshotDir, "getting-started.png"));

        Assert.Empty(tab.Errors());
        List<string> headings = tab.Headings();
        Assert.Equal("Getting started: a plugin in one page", headings.First());
        Assert.Contains("The project", headings);
        Assert.Contains("The plugin", headings);
        Assert.Contains("Try it in a namespace", headings);
        // The link into the API reference resolved to the class page.
        Assert.Equal("true", tab.Evaluate("[...document.querySelectorAll('article a')].some(a => a.getAttribute('href').endsWith('api/Cni.Skel.CniPlugin.html'))"));
    }

    [Fact]
    public void Every_guide_page_loads_without_errors_under_its_title()
    {
        using Chromium.Tab tab = site.Browser().NewTab();
        tab.Navigate(DocsSite.BaseUrl + "articles/getting-started.html");
        tab.WaitUntil("document.querySelectorAll('#toc a').length > 0", "the guide's table of contents");
        using var toc = System.Text.Json.JsonDocument.Parse(tab.Evaluate("[...document.querySelectorAll('#toc a')].map(a => [a.href, a.textContent.trim()])"));
        var pages = toc.RootElement.EnumerateArray().Select(e => (Url: e[0].GetString()!, Title: e[1].GetString()!)).ToList();
        Assert.True(pages.Count >= 10, "the guide's table of contents lists " + pages.Count + " pages");
        foreach ((string url, string title) in pages)
        {
            using Chromium.Tab page = site.Browser().NewTab();
            page.Navigate(url);
            page.Screenshot(Path.Combine(DocsSite.ScreenshotDir, "guide-" + Path.GetFileNameWithoutExtension(new Uri(url).AbsolutePath) + ".png"));
            Assert.True(page.Errors().Count == 0, url + ": " + string.Join("; ", page.Errors()));
            string h1 = page.Headings("article h1").Single();
            Assert.True(h1.StartsWith(title, StringComparison.OrdinalIgnoreCase) || title.StartsWith(h1, StringComparison.OrdinalIgnoreCase) || h1.Contains(title, StringComparison.OrdinalIgnoreCase),
                $"{url}: the heading \"{h1}\" does not match its entry \"{title}\" in the table of contents");
        }
    }

    [Fact]
    public void The_error_check_sees_console_errors_exceptions_and_failed_loads()
    {
        // What the page tests rely on: a page that logs an error, throws, or fails to load a resource is caught.
        using Chromium.Tab tab = site.Browser().NewTab();
        tab.Navigate(DocsSite.BaseUrl + "index.html");
        Assert.Empty(tab.Errors());
        tab.Evaluate("(() => { console.error('docs-test console error'); setTimeout(() => { throw new Error('docs-test exception'); }, 0); const i = new Image(); i.src = 'no-such-image.png'; document.body.appendChild(i); return true; })()");
        tab.WaitUntil("document.querySelector('img[src=\"no-such-image.png\"]').complete", "the missing image to fail");
        List<string> errors = [];
        for (int i = 0; i < 100 && errors.Count < 3; i++)
        {
            Thread.Sleep(100);
            errors = tab.Errors();
        }

        Assert.Contains(errors, e => e.Contains("docs-test console error", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("docs-test exception", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("no-such-image.png", StringComparison.Ordinal) || e.Contains("404", StringComparison.Ordinal));
    }

    [Fact]
    public void Search_finds_CniPlugin()
    {
        using Chromium.Tab tab = site.Browser().NewTab();
        tab.Navigate(DocsSite.BaseUrl + "index.html");
        tab.WaitUntil("window.docfx.searchReady === true", "the search index");
        tab.Evaluate("(() => { const q = document.getElementById('search-query'); q.value = 'CniPlugin'; q.dispatchEvent(new Event('input', { bubbles: true })); return true; })()");
        tab.WaitUntil("window.docfx.searchResultReady === true && document.querySelectorAll('#search-results a').length > 0", "search results for CniPlugin");
        tab.Screenshot(Path.Combine(DocsSite.ScreenshotDir, "search-CniPlugin.png"));

        string links = tab.Evaluate("[...document.querySelectorAll('#search-results a')].map(a => a.getAttribute('href').split('?')[0])");
        Assert.Contains("\"api/Cni.Skel.CniPlugin.html\"", links, StringComparison.Ordinal);
        Assert.Empty(tab.Errors());
    }
}
