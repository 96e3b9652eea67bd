//! The context classifier's cases: the text rules, HAR objects pretty-printed and compact,
//! escapes and noise, and the bounds of what it reads.
use super::*;

/// A token as a log holds it (the classifier reads its run, never parses it).
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

fn ctx(before: &str) -> String {
    let line = format!("{before}eyJTOKEN rest");
    classify(&[], line.as_bytes(), before.len())
}

/// The context of the token written `{X}` in `template` (other tokens written `{T}`), after
/// the `previous` lines.
fn place(previous: &[&str], template: &str) -> String {
    let line = template.replace("{T}", TOKEN);
    let start = line.find("{X}").unwrap();
    let line = line.replace("{X}", TOKEN);
    let previous: Vec<&[u8]> = previous.iter().map(|l| l.as_bytes()).collect();
    classify(&previous, line.as_bytes(), start)
}

#[test]
fn names_each_place() {
    assert_eq!(ctx("Authorization: Bearer "), "Authorization header");
    assert_eq!(ctx("authorization:bearer "), "Authorization header");
    assert_eq!(ctx("X-Api-Token: "), "header X-Api-Token");
    assert_eq!(ctx("\"GET /api/me?x=1&access_token="), "query parameter access_token");
    assert_eq!(ctx("https://app/cb#state=1&id_token="), "URL fragment parameter id_token");
    assert_eq!(ctx("https://app/cb#"), "URL fragment");
    assert_eq!(ctx("GET /t/"), "URL path");
    assert_eq!(ctx("{\"user\":\"a\",\"token\": \""), "JSON key token");
    assert_eq!(ctx("{\"Authorization\": \"Bearer "), "JSON key Authorization");
    // A `{"name", "value"}` header object reads as the header it is (a raw line would).
    assert_eq!(ctx("{\"name\": \"Authorization\", \"value\": \"Bearer "), "Authorization header");
    assert_eq!(ctx("{\"name\": \"id_token\", \"value\": \""), "JSON name id_token");
    assert_eq!(ctx("Set-Cookie: session="), "Set-Cookie session");
    assert_eq!(ctx("Cookie: theme=dark; jwt="), "Cookie jwt");
    assert_eq!(ctx("grant_type=jwt-bearer&assertion="), "form field assertion");
    assert_eq!(ctx("API_TOKEN="), "variable API_TOKEN");
    assert_eq!(ctx("export TOKEN=\""), "variable TOKEN");
    assert_eq!(ctx("  _jwt='"), "variable _jwt");
    assert_eq!(ctx("x y=1&token="), "form field token");
    assert_eq!(ctx("x ="), "text");
    assert_eq!(ctx("the token is "), "text");
    assert_eq!(ctx(""), "text");
}

#[test]
fn pretty_printed_har_headers_take_the_name_on_the_line_above() {
    let first = ["      \"headers\": [", "        {", "          \"name\": \"Authorization\","];
    assert_eq!(place(&first, "          \"value\": \"Bearer {X}\""), "Authorization header");
    // Further down the list `"headers": [` is out of sight; the header's name still says it.
    let later =
        ["          \"value\": \"text/html\"", "        },", "        {", "          \"name\": \"authorization\","];
    assert_eq!(place(&later, "          \"value\": \"Bearer {X}\""), "Authorization header");
    // Lines as read from a CRLF file.
    let crlf = ["        {\r\n", "          \"name\": \"Authorization\",\r\n"];
    assert_eq!(place(&crlf, "          \"value\": \"{X}\"\r\n"), "Authorization header");
    let cookie = ["        {", "          \"name\": \"Cookie\","];
    assert_eq!(place(&cookie, "          \"value\": \"theme=dark; sid={X}\""), "Cookie sid");
    let set_cookie = ["        {", "          \"name\": \"Set-Cookie\","];
    assert_eq!(place(&set_cookie, "          \"value\": \"sid={X}; Path=/; HttpOnly\""), "Set-Cookie sid");
    assert_eq!(place(&set_cookie, "          \"value\": \"{X}\""), "header Set-Cookie");
    let other = ["      \"headers\": [", "        {", "          \"name\": \"X-Api-Token\","];
    assert_eq!(place(&other, "          \"value\": \"{X}\""), "header X-Api-Token");
    // The same object with no list in sight is any JSON name.
    assert_eq!(place(&other[1..], "          \"value\": \"{X}\""), "JSON name X-Api-Token");
    // A header's value is read as the raw header would be: a URL in a Referer.
    let referer = ["      \"headers\": [", "        {", "          \"name\": \"Referer\","];
    assert_eq!(
        place(&referer, "          \"value\": \"https://app/?access_token={X}\""),
        "query parameter access_token"
    );
}

#[test]
fn compact_har_takes_the_name_of_the_same_object() {
    let headers = "[{\"name\":\"Authorization\",\"value\":\"Bearer {T}\"},{\"name\":\"Cookie\",\"value\":\"theme=dark; sid={X}\"}]";
    assert_eq!(place(&[], headers), "Cookie sid");
    let first = "[{\"name\":\"Authorization\",\"value\":\"Bearer {X}\"},{\"name\":\"Cookie\",\"value\":\"theme=dark; sid={T}\"}]";
    assert_eq!(place(&[], first), "Authorization header");
    let listed = "{\"request\":{\"headers\":[{\"name\":\"Accept\",\"value\":\"*/*\"},{\"name\":\"X-Token\",\"value\":\"{X}\"}]}}";
    assert_eq!(place(&[], listed), "header X-Token");
    // Members between the name and the value, nested ones holding their own "name".
    let nested = "{\"name\":\"Authorization\",\"meta\":{\"name\":\"inner\",\"tags\":[\"name\",{}]},\"n\":1,\"value\":\"Bearer {X}\"}";
    assert_eq!(place(&[], nested), "Authorization header");
    // A string value "name" is not the key "name".
    let decoy = "{\"name\": \"real\", \"comment\": \"name\", \"value\": \"{X}\"}";
    assert_eq!(place(&[], decoy), "JSON name real");
    // The previous object's name is not this object's.
    let nameless = "[{\"name\":\"Authorization\",\"value\":\"x\"},{\"value\":\"{X}\"}]";
    assert_eq!(place(&[], nameless), "JSON key value");
}

#[test]
fn objects_writing_the_value_first_take_the_name_after_it() {
    assert_eq!(place(&[], "{\"value\": \"Bearer {X}\", \"name\": \"Authorization\"}"), "Authorization header");
    assert_eq!(place(&[], "{\"value\": \"sid={X}; Path=/\", \"name\": \"Set-Cookie\"}"), "Set-Cookie sid");
    assert_eq!(place(&[], "\"cookies\":[{\"value\":\"{X}\",\"httpOnly\":true,\"name\":\"sid\"}]"), "cookie sid");
    assert_eq!(place(&[], "{\"value\": \"{X}\", \"name\": \"id_token\"}"), "JSON name id_token");
    assert_eq!(
        place(&[], "{\"value\": \"{X}\", \"meta\": {\"name\": \"inner\"}, \"comment\": \"name\", \"name\": \"outer\"}"),
        "JSON name outer"
    );
    // The next object's name is not this object's.
    assert_eq!(place(&[], "[{\"value\":\"{X}\"},{\"name\":\"Authorization\",\"value\":\"x\"}]"), "JSON key value");
    // A name before the value is nearer than one after it.
    assert_eq!(place(&[], "{\"name\": \"before\", \"value\": \"{X}\", \"name\": \"after\"}"), "JSON name before");
}

#[test]
fn har_lists_name_cookies_query_parameters_and_form_fields() {
    let query = ["      \"queryString\": [", "        {", "          \"name\": \"access_token\","];
    assert_eq!(place(&query, "          \"value\": \"{X}\""), "query parameter access_token");
    let compact = "\"queryString\":[{\"name\":\"a\",\"value\":\"1\"},{\"name\":\"access_token\",\"value\":\"{X}\"}]";
    assert_eq!(place(&[], compact), "query parameter access_token");
    let cookies = ["      \"cookies\": [", "        {", "          \"name\": \"sid\","];
    assert_eq!(place(&cookies, "          \"value\": \"{X}\","), "cookie sid");
    let extra = "\"cookies\":[{\"name\":\"sid\",\"value\":\"{X}\",\"path\":\"/\",\"expires\":null,\"httpOnly\":true}]";
    assert_eq!(place(&[], extra), "cookie sid");
    // The list says what a name is, even a header's name.
    assert_eq!(place(&[], "\"cookies\": [{\"name\": \"Authorization\", \"value\": \"{X}\"}]"), "cookie Authorization");
    let form = "\"postData\": {\"mimeType\": \"application/x-www-form-urlencoded\", \"params\": [{\"name\": \"assertion\", \"value\": \"{X}\"}]}";
    assert_eq!(place(&[], form), "form field assertion");
    let pretty =
        ["      \"postData\": {", "        \"params\": [", "          {", "            \"name\": \"assertion\","];
    assert_eq!(place(&pretty, "            \"value\": \"{X}\""), "form field assertion");
    // Text inside other strings is read by the text rules.
    assert_eq!(place(&[], "\"text\": \"grant_type=jwt-bearer&assertion={X}\""), "form field assertion");
    assert_eq!(place(&[], "\"url\": \"https://api/x?access_token={X}\""), "query parameter access_token");
}

#[test]
fn escaped_and_odd_names_are_taken_as_written() {
    assert_eq!(place(&[], "{\"name\": \"a\\\"b\", \"value\": \"{X}\"}"), "JSON name a\\\"b");
    assert_eq!(place(&[], "{\"a\\\"b\": \"{X}\"}"), "JSON key a\\\"b");
    assert_eq!(place(&[], "{\"name\": \"x\\\\\", \"value\": \"{X}\"}"), "JSON name x\\\\");
    assert_eq!(place(&[], "{\"name\": \"\\\"\", \"value\": \"{X}\"}"), "JSON name \\\"");
    assert_eq!(place(&[], "{\"name\": \"\\\"value\\\": \\\"\", \"value\": \"{X}\"}"), "JSON name \\\"value\\\": \\\"");
    assert_eq!(place(&[], "{\"value\": \"{X}\", \"name\": \"a\\\"b\"}"), "JSON name a\\\"b");
    let mut line = b"{\"name\": \"\xff\xfe\", \"value\": \"".to_vec();
    let start = line.len();
    line.extend_from_slice(TOKEN.as_bytes());
    assert_eq!(classify(&[], &line, start), "JSON name \u{fffd}\u{fffd}");
    // Broken JSON and lone quotes or backslashes: a plain answer, never a panic.
    assert_eq!(place(&["\"\\", "{{{", "]]]\"name\":"], "\"value\":\"{X}"), "JSON key value");
    assert_eq!(place(&["\"name\": \"Authorization\""], "\\\"value\": \"{X}"), "text");
    assert_eq!(place(&[], "\\\"{X}"), "text");
    assert_eq!(place(&[], "\"{X}"), "text");
    assert_eq!(place(&[], "\":\"{X}"), "text");
    assert_eq!(place(&[], "\"\":\"{X}"), "text");
    assert_eq!(place(&[], "]}\"value\": \"{X}\", \"name\": \"\\"), "JSON key value");
    assert_eq!(classify(&[], b"abc", 10), "text");
}

#[test]
fn previous_lines_are_read_within_their_bounds() {
    let value = "          \"value\": \"{X}\"";
    let near = ["\"headers\": [", "{", "\"name\": \"X-Key\","];
    assert_eq!(place(&near, value), "header X-Key");
    // Five lines up is out of sight.
    let far = ["\"headers\": [", "", "{", "", "\"name\": \"X-Key\","];
    assert_eq!(place(&far, value), "JSON name X-Key");
    // A previous line longer than the bytes kept is read by its end only, and lines older
    // than a cut one are not contiguous with it, so they are not read.
    let long = format!("\"headers\": [{}", " ".repeat(PREVIOUS_LINE_BYTES));
    assert_eq!(place(&[&long, "{", "\"name\": \"X-Key\","], value), "JSON name X-Key");
    let short = format!("\"headers\": [{}", " ".repeat(PREVIOUS_LINE_BYTES - 20));
    assert_eq!(place(&[&short, "{", "\"name\": \"X-Key\","], value), "header X-Key");
    let spaces = " ".repeat(PREVIOUS_LINE_BYTES);
    assert_eq!(place(&["\"headers\": [", &spaces, "{", "\"name\": \"X-Key\","], value), "JSON name X-Key");
    // A token line cut by the window does not continue a previous line.
    let indented = format!("{}\"value\": \"{{X}}\"", " ".repeat(BEFORE_BYTES));
    assert_eq!(place(&near, &indented), "JSON key value");
}

/// The answer depends on the window alone: a megabyte before it changes nothing.
#[test]
fn a_long_prefix_reads_only_the_window() {
    let fillers = [" ", "\"", "\\\"", "{\"name\":\"x\",\"value\":\"", "[", "a=b&", "\"headers\":["];
    let tails = [
        ("{\"name\": \"Cookie\", \"value\": \"a=1; sid=", Some("Cookie sid")),
        ("Authorization: Bearer ", Some("Authorization header")),
        ("?access_token=", Some("query parameter access_token")),
        ("\"value\": \"", None),
        ("", None),
    ];
    let after = format!("{TOKEN}\", \"name\": \"after\"}} rest");
    let previous: [&[u8]; 2] = [b"\"headers\": [", b"{\"name\": \"X-Key\","];
    for filler in fillers {
        let long_prefix = filler.repeat((1 << 20) / filler.len() + 1);
        for (tail, expected) in tails {
            let prefix = format!("{long_prefix}{tail}");
            let line = format!("{prefix}{after}");
            let long = classify(&previous, line.as_bytes(), prefix.len());
            let mut window = prefix.as_bytes()[prefix.len() - BEFORE_BYTES..].to_vec();
            window.extend_from_slice(after.as_bytes());
            let alone = classify(&previous, &window, BEFORE_BYTES);
            assert_eq!(long, alone, "filler {filler:?}, tail {tail:?}");
            if let Some(expected) = expected {
                assert_eq!(long, expected, "filler {filler:?}, tail {tail:?}");
            }
        }
    }
}

/// Every context the classifier gives starts with one of these.
const FORMS: [&str; 14] = [
    "Authorization header",
    "header ",
    "query parameter ",
    "URL fragment parameter ",
    "URL fragment",
    "URL path",
    "JSON key ",
    "JSON name ",
    "Set-Cookie ",
    "Cookie ",
    "cookie ",
    "form field ",
    "variable ",
    "text",
];

/// JSON-like noise (quotes, backslashes, brackets, names the scans look for, bytes that are
/// not UTF-8): every input ends with one of the known contexts, never a panic or a hang.
#[test]
fn noise_always_ends_with_a_known_context() {
    let pieces: [&[u8]; 18] = [
        b"\"",
        b"\\",
        b"\\\"",
        b"{",
        b"}",
        b"[",
        b"]",
        b":",
        b",",
        b" ",
        b"\n",
        b"\"name\"",
        b"\"value\"",
        b"\"headers\"",
        b"Bearer ",
        b"sid=",
        b"\xff",
        b"eyJ",
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % bound as u64).unwrap()
    };
    for _ in 0..3000 {
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for _ in 0..=next(PREVIOUS_LINES + 2) {
            let mut line = Vec::new();
            for _ in 0..next(40) {
                line.extend_from_slice(pieces[next(pieces.len())]);
            }
            lines.push(line);
        }
        let mut line = lines.pop().unwrap();
        // Most often in a JSON value or after a text separator, where the scans start.
        let openers: [&[u8]; 6] =
            [b"\"value\": \"", b"\"value\":\"Bearer ", b"\"value\": \"a=1; sid=", b"\"", b"=", b""];
        let closers: [&[u8]; 4] = [b"\"", b"\", \"name\": \"x\"}", b"; Path=/\"}]", b""];
        let at = next(line.len() + 2);
        let start = if at <= line.len() {
            let opener = openers[next(openers.len())];
            let mut placed = opener.to_vec();
            placed.extend_from_slice(TOKEN.as_bytes());
            placed.extend_from_slice(closers[next(closers.len())]);
            line.splice(at..at, placed);
            at + opener.len()
        } else {
            at
        };
        let previous: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
        let context = classify(&previous, &line, start);
        assert!(FORMS.iter().any(|f| context.starts_with(f)), "{context:?} for {:?}", String::from_utf8_lossy(&line));
    }
}
