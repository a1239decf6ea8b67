/// Read-after-write for `getProfile` and `getProfiles`: the user's own profile view takes
/// `displayName`, `description`, `avatar` and `banner` from the profile record just written.
enum ProfileMerge {
    static func profile(_ body: [String: Any], views: LocalViews) -> [String: Any] {
        guard body["did"] as? String == views.did else { return body }
        return views.updatingProfile(body, detailed: true)
    }

    static func profiles(_ body: [String: Any], views: LocalViews) -> [String: Any] {
        guard let profiles = body["profiles"] as? [[String: Any]] else { return body }
        var merged = body
        merged["profiles"] = profiles.map { $0["did"] as? String == views.did ? views.updatingProfile($0, detailed: true) : $0 }
        return merged
    }
}
