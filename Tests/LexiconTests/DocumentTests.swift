import IPLD
import Testing
@testable import Lexicon

/// Reading Lexicon documents: what is accepted, what is refused, and how refs are qualified.
struct DocumentTests {
    func refused(_ json: String) -> Bool {
        (try? LexiconDocument(json: json)) == nil
    }

    @Test func readsAllFieldTypes() throws {
        let doc = try LexiconDocument(json: #"""
        {"lexicon":1,"id":"com.example.kinds","description":"x","defs":{
          "main":{"type":"record","key":"literal:self","record":{"type":"object","required":["s"],"nullable":["n"],
            "properties":{
              "s":{"type":"string","format":"handle","maxLength":10,"minLength":1,"maxGraphemes":5,"minGraphemes":1,
                   "enum":["a"],"knownValues":["b"],"const":"a","default":"a"},
              "i":{"type":"integer","minimum":-1,"maximum":9,"enum":[1],"const":1,"default":1},
              "b":{"type":"boolean","default":true},
              "y":{"type":"bytes","maxLength":3},
              "c":{"type":"cid-link"},
              "bl":{"type":"blob","accept":["image/*"],"maxSize":10},
              "u":{"type":"unknown"},
              "a":{"type":"array","items":{"type":"ref","ref":"#obj"},"maxLength":2},
              "r":{"type":"ref","ref":"com.example.other#main"},
              "n":{"type":"union","refs":["#obj","com.example.other"],"closed":true}}}},
          "obj":{"type":"object","properties":{}},
          "tok":{"type":"token"}}}
        """#)
        guard case .record(let record)? = doc.defs["main"] else { Issue.record("no record"); return }
        #expect(record.key == .literal("self"))
        #expect(record.record.properties["s"] == .string(format: .handle, minLength: 1, maxLength: 10, minGraphemes: 1,
                                                       maxGraphemes: 5, enum: ["a"], knownValues: ["b"], const: "a", default: "a"))
        #expect(record.record.properties["i"] == .integer(minimum: -1, maximum: 9, enum: [1], const: 1, default: 1))
        #expect(record.record.properties["a"] == .array(of: .ref("com.example.kinds#obj"), maxLength: 2))
        #expect(record.record.properties["r"] == .ref("com.example.other"))
        #expect(record.record.properties["n"] == .union("com.example.kinds#obj", "com.example.other", closed: true))
        #expect(doc.defs["tok"] == .token)
        #expect(doc.unrecognizedKeys.isEmpty)
    }

    @Test func readsMethodsAndSubscriptions() throws {
        let query = try LexiconDocument(json: #"""
        {"lexicon":1,"id":"com.example.get","defs":{"main":{"type":"query",
          "parameters":{"type":"params","required":["q"],"properties":{"q":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}}}},
          "output":{"encoding":"application/json","schema":{"type":"ref","ref":"#out"}},
          "errors":[{"name":"NotFound"}]},
          "out":{"type":"object","properties":{}}}}
        """#)
        guard case .query(let method)? = query.defs["main"] else { Issue.record("no query"); return }
        #expect(method.errors == ["NotFound"])
        #expect(method.output?.schema == .ref("com.example.get#out"))
        #expect(refused(#"{"lexicon":1,"id":"com.example.get","defs":{"main":{"type":"query","parameters":{"type":"params","properties":{"o":{"type":"object","properties":{}}}}}}}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.sub","defs":{"main":{"type":"subscription","message":{"schema":{"type":"object","properties":{}}}}}}"#))
    }

    @Test func refusesMalformedDocuments() {
        #expect(refused(#"{"lexicon":2,"id":"com.example.x","defs":{}}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.x"}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.x","defs":{"main":{"type":"union","refs":[]}}}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.x","defs":{"other":{"type":"query"}}}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.x","defs":{"main":{"type":"record","key":"weird","record":{"type":"object","properties":{}}}}}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.x","defs":{"main":{"type":"object","required":["gone"],"properties":{}}}}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.x","defs":{"main":{"type":"string","format":"color"}}}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.x","defs":{"main":{"type":"string","maxLength":"3"}}}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.x","defs":{"main":{"type":"array","items":{"type":"ref","ref":"bad ref"}}}}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.x","defs":{"main":{"type":"blob","accept":["png"]}}}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.x","defs":{"main":{"type":"integer","minimum":3,"maximum":2}}}"#))
        #expect(refused(#"{"lexicon":1,"id":"com.example.x","defs":{"main":{"type":"float"}}}"#))
    }

    @Test func notesUnrecognizedKeys() throws {
        let doc = try LexiconDocument(json: #"{"lexicon":1,"id":"com.example.x","defs":{"main":{"type":"string","maxLenght":3}}}"#)
        #expect(doc.unrecognizedKeys == ["defs.main.maxLenght"])
    }

    @Test func dslQualifiesRefs() {
        let doc = LexiconDocument("com.example.dsl") {
            Object("main") { Required("a", .ref("#b")); Field("c", .union("#b", "com.example.other#main")) }
            Object("b") {}
        }
        guard case .type(.object(let o))? = doc.defs["main"] else { Issue.record("no main"); return }
        #expect(o.properties["a"] == .ref("com.example.dsl#b"))
        #expect(o.properties["c"] == .union("com.example.dsl#b", "com.example.other"))
        #expect(o.required == ["a"])
        #expect(doc.ref("main") == "com.example.dsl" && doc.ref("b") == "com.example.dsl#b")
    }

    @Test func laterDocumentReplacesEarlier() {
        var catalog = LexiconCatalog([LexiconDocument("com.example.r") { Record(key: .tid) {}; Object("gone") {} }])
        catalog.add(LexiconDocument("com.example.r") { Record(key: .any) {} })
        #expect(catalog.definition("com.example.r#gone") == nil)
        #expect(catalog.definition("com.example.r#main") != nil)
    }
}
