//! The portal's three languages and every piece of page text in each of them.
//!
//! Text lives in one `Text` table per language so that a missing translation is a compile error, not a blank
//! on the page. This module only knows words; it must never read requests, cookies or the DOM (see `lang.rs`).

/// A language the portal speaks. The tags are the ones iAM Smart itself uses in its `lang` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// Traditional Chinese as written in Hong Kong (繁體中文).
    ZhHk,
    /// Simplified Chinese (简体中文), for Greater Bay Area users.
    ZhCn,
}

impl Lang {
    /// Every language, in the order the switcher shows them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhHk, Lang::ZhCn];

    /// The BCP 47 tag used in `<html lang>`, the `lang` cookie and the `?lang=` query parameter.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHk => "zh-HK",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's name written in itself, as the switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhHk => "繁體中文",
            Lang::ZhCn => "简体中文",
        }
    }

    /// Reads a language tag leniently: `en`, `en-US`, `zh-HK`, `zh-hant`, `zh-CN`, `zh-Hans`, `tc`, `sc`.
    /// Unknown tags give `None` so the caller can fall back to the next source of preference.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        let tag = tag.replace('_', "-");
        if tag == "en" || tag.starts_with("en-") {
            Some(Lang::En)
        } else if tag == "zh-cn"
            || tag == "zh-sg"
            || tag.starts_with("zh-hans")
            || tag == "sc"
            || tag == "zh"
        {
            Some(Lang::ZhCn)
        } else if tag == "zh-hk"
            || tag == "zh-tw"
            || tag == "zh-mo"
            || tag.starts_with("zh-hant")
            || tag == "tc"
        {
            Some(Lang::ZhHk)
        } else {
            None
        }
    }

    /// Picks the first supported language from an `Accept-Language` header, honouring its order
    /// (quality values are rarely anything but descending in practice, so order is what we read).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(Lang::from_tag)
    }

    /// The page text in this language.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::ZhHk => &ZH_HK,
            Lang::ZhCn => &ZH_CN,
        }
    }
}

/// One audience of the product, as the landing page describes it.
pub struct Audience {
    pub title: &'static str,
    pub body: &'static str,
}

/// One of the three iAM Smart flows the sandbox mocks.
pub struct Flow {
    pub title: &'static str,
    pub body: &'static str,
    pub endpoint: &'static str,
}

/// Every string the portal shows, for one language.
pub struct Text {
    pub product_name: &'static str,
    pub nav_home: &'static str,
    pub nav_guides: &'static str,
    pub nav_sign_in: &'static str,
    pub nav_sign_up: &'static str,
    pub language_label: &'static str,
    pub hero_title: &'static str,
    pub hero_lead: &'static str,
    pub hero_primary: &'static str,
    pub hero_secondary: &'static str,
    pub synthetic_notice: &'static str,
    pub audiences_title: &'static str,
    pub audiences: [Audience; 3],
    pub flows_title: &'static str,
    pub flows: [Flow; 3],
    pub steps_title: &'static str,
    pub steps: [&'static str; 4],
    pub guides_title: &'static str,
    pub guides: [&'static str; 5],
    pub back_home: &'static str,
    pub sign_in_title: &'static str,
    pub sign_up_title: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub footer: &'static str,
    pub console: ConsoleText,
}

/// The words of the sign-up and sign-in pages and the developer console.
pub struct ConsoleText {
    pub nav_console: &'static str,
    pub email: &'static str,
    pub display_name: &'static str,
    pub password: &'static str,
    pub password_hint: &'static str,
    pub sign_up_button: &'static str,
    pub sign_in_button: &'static str,
    pub sign_out_button: &'static str,
    pub have_account: &'static str,
    pub no_account: &'static str,
    pub synthetic_only: &'static str,
    pub console_title: &'static str,
    pub signed_in_as: &'static str,
    pub sign_in_needed: &'static str,
    pub organisations: &'static str,
    pub no_organisations: &'static str,
    pub new_organisation: &'static str,
    pub organisation_name: &'static str,
    pub create_organisation: &'static str,
    pub your_roles: &'static str,
    pub role_creator: &'static str,
    pub role_approver: &'static str,
    pub sandboxes: &'static str,
    pub no_sandboxes: &'static str,
    pub sandbox_name: &'static str,
    pub create_sandbox: &'static str,
    pub client_id: &'static str,
    pub client_secret: &'static str,
    pub rp_private_key: &'static str,
    pub shown_once: &'static str,
    pub open_phone: &'static str,
    pub reset_sandbox: &'static str,
    pub delete_sandbox: &'static str,
    pub loading: &'static str,
    pub scopes: &'static str,
    pub redirect_uris: &'static str,
    pub protocol_mode: &'static str,
    pub strict: &'static str,
    pub lenient: &'static str,
    pub code_lifetime: &'static str,
    pub auto_responder: &'static str,
    pub none: &'static str,
    pub save: &'static str,
    pub time_offset: &'static str,
    pub travel: &'static str,
    pub rotate_secret: &'static str,
    pub requests_title: &'static str,
    pub no_requests: &'static str,
    pub faults_title: &'static str,
    pub no_faults: &'static str,
    pub fault_path: &'static str,
    pub fault_code: &'static str,
    pub fault_count: &'static str,
    pub fault_delay: &'static str,
    pub delay_only: &'static str,
    pub inject: &'static str,
    pub clear_faults: &'static str,
    pub personas_link: &'static str,
}

static EN: Text = Text {
    product_name: "iAM Smart Sandbox",
    nav_home: "Home",
    nav_guides: "Guides",
    nav_sign_in: "Sign in",
    nav_sign_up: "Sign up",
    language_label: "Language",
    hero_title: "Build your iAM Smart integration in minutes, not weeks",
    hero_lead: "Self-service sandboxes that run a faithful mock of the iAM Smart relying-party API — login, e-ME form \
                filling and digital signing — with synthetic identities and a virtual iAM Smart phone in your browser. \
                Code that works here works against the real test environment by changing only the base URL, the \
                credentials and the key pair.",
    hero_primary: "Create a sandbox",
    hero_secondary: "Read the guides",
    synthetic_notice: "Synthetic identities only: the sandbox never asks for, stores or accepts real personal data.",
    audiences_title: "Who it is for",
    audiences: [
        Audience {
            title: "Fintech developers",
            body: "Credentials in one click, a request inspector, scenario personas, fault injection and time travel, \
                   and an API your own CI can drive without a browser.",
        },
        Audience {
            title: "Greater Bay Area service providers",
            body: "Portal, guides and broker pages in English, Traditional and Simplified Chinese, with personas who \
                   live or work across the boundary.",
        },
        Audience {
            title: "Government reviewers",
            body: "Partner applications arrive with the evidence the sandbox collected: flows that passed, fields \
                   requested and a conformance report, with maker/checker decisions and an audit trail.",
        },
    ],
    flows_title: "The three flows",
    flows: [
        Flow {
            title: "Login",
            body: "QR code on desktop, app link on mobile, the authorisation code exchanged for a token — with the \
                   signed, encrypted envelope the real API uses.",
            endpoint: "auth/getQR · auth/getToken",
        },
        Flow {
            title: "e-ME form filling",
            body: "Pre-fill forms from a persona's e-ME profile with field-by-field consent, signed in or anonymous.",
            endpoint: "account/eme/initiateRequest",
        },
        Flow {
            title: "Digital signing",
            body: "Hash and PDF signatures from real X.509 certificates issued by the sandbox CA, verifiable with \
                   standard tools.",
            endpoint: "account/signing/initiateRequest",
        },
    ],
    steps_title: "How it works",
    steps: [
        "Sign up and create a sandbox: you get a client ID, a secret and a key pair.",
        "Point your integration at the sandbox base URL instead of the iAM Smart test environment.",
        "Approve requests on the virtual iAM Smart phone as one of the scenario personas.",
        "Watch every request in the inspector, then apply for approval with the evidence attached.",
    ],
    guides_title: "Guides",
    guides: [
        "Getting started: your first login in five minutes",
        "The envelope: signatures, nonces and content encryption",
        "Login, form filling and signing flows",
        "Personas, time travel and fault injection",
        "Moving from the sandbox to the real test environment",
    ],
    back_home: "Back to the home page",
    sign_in_title: "Sign in",
    sign_up_title: "Sign up",
    not_found_title: "Page not found",
    not_found_body: "There is no page at this address.",
    footer: "iAM Smart Sandbox — an independent developer sandbox with synthetic identities. Not affiliated with the \
             iAM Smart service; never enter real personal data.",
    console: ConsoleText {
        nav_console: "Console",
        email: "E-mail address",
        display_name: "Your name",
        password: "Password",
        password_hint: "At least 10 characters.",
        sign_up_button: "Create account",
        sign_in_button: "Sign in",
        sign_out_button: "Sign out",
        have_account: "Already have an account? Sign in",
        no_account: "New here? Create an account",
        synthetic_only: "The sandbox uses synthetic identities only. Never enter real personal data.",
        console_title: "Developer console",
        signed_in_as: "Signed in as",
        sign_in_needed: "Sign in to see your organisations and sandboxes.",
        organisations: "Organisations",
        no_organisations: "You are not in an organisation yet. Create one to get a sandbox.",
        new_organisation: "New organisation",
        organisation_name: "Organisation name",
        create_organisation: "Create organisation",
        your_roles: "Your roles",
        role_creator: "Creator",
        role_approver: "Approver",
        sandboxes: "Sandboxes",
        no_sandboxes: "No sandboxes yet.",
        sandbox_name: "Sandbox name",
        create_sandbox: "Create sandbox",
        client_id: "Client ID",
        client_secret: "Client secret",
        rp_private_key: "RP encipherment private key (PEM)",
        shown_once: "Copy these now: the secret and the private key are shown only once.",
        open_phone: "Virtual phone",
        reset_sandbox: "Reset state",
        delete_sandbox: "Delete",
        loading: "Loading…",
        scopes: "Granted scopes",
        redirect_uris: "Redirect URIs (one per line, exact match)",
        protocol_mode: "Protocol mode",
        strict: "Strict (what the real service accepts)",
        lenient: "Lenient (also common client mistakes)",
        code_lifetime: "Authorisation code lifetime (seconds)",
        auto_responder: "Auto-responder",
        none: "None (answer on the virtual phone)",
        save: "Save settings",
        time_offset: "Sandbox clock ahead of real time (minutes)",
        travel: "Travel in time",
        rotate_secret: "Rotate client secret",
        requests_title: "Requests (live)",
        faults_title: "Fault injection",
        no_faults: "No faults injected: every request reaches the sandbox.",
        fault_path: "API",
        fault_code: "Answer with",
        fault_count: "For the next N requests",
        fault_delay: "Extra delay (ms)",
        delay_only: "No error (delay only)",
        inject: "Inject fault",
        clear_faults: "Clear all faults",
        no_requests: "No requests yet. Call the API with this sandbox's client ID and they appear here.",
        personas_link: "Personas: create, edit, import and export",
    },
};

static ZH_HK: Text = Text {
    product_name: "智方便沙盒",
    nav_home: "主頁",
    nav_guides: "指南",
    nav_sign_in: "登入",
    nav_sign_up: "註冊",
    language_label: "語言",
    hero_title: "數分鐘完成智方便整合，毋須再等數星期",
    hero_lead: "自助沙盒忠實模擬「智方便」服務提供者介面——登入、「填表通」及數碼簽署——全部使用合成身份，並在瀏覽器中\
                提供虛擬智方便手機。在這裏可行的程式碼，只需更改基礎網址、憑證及密鑰對，便可連接真正的測試環境。",
    hero_primary: "建立沙盒",
    hero_secondary: "閱讀指南",
    synthetic_notice: "只使用合成身份：沙盒絕不索取、儲存或接受真實個人資料。",
    audiences_title: "適合誰使用",
    audiences: [
        Audience {
            title: "金融科技開發人員",
            body: "一鍵取得憑證，並提供請求檢視器、情境角色、故障注入及時間旅行，以及可供您的持續整合直接調用、毋須瀏覽器的介面。",
        },
        Audience {
            title: "大灣區服務提供者",
            body: "入門網站、指南及代理頁面備有英文、繁體及簡體中文，更有跨境生活或工作的角色。",
        },
        Audience {
            title: "政府審批人員",
            body: "合作夥伴的申請附有沙盒收集的證據：已通過的流程、所索取的欄位及合規報告，並設有製作人／審核人決定及審計紀錄。",
        },
    ],
    flows_title: "三大流程",
    flows: [
        Flow {
            title: "登入",
            body: "桌面顯示二維碼，流動裝置以應用程式連結開啟，再以授權碼換取權杖——採用與真實介面相同的簽署及加密封套。",
            endpoint: "auth/getQR · auth/getToken",
        },
        Flow {
            title: "「填表通」",
            body: "以角色的「填表通」資料預填表格，逐項取得同意，支援已登入及匿名模式。",
            endpoint: "account/eme/initiateRequest",
        },
        Flow {
            title: "數碼簽署",
            body: "由沙盒核證機關簽發的真實 X.509 證書進行雜湊及 PDF 簽署，可用標準工具驗證。",
            endpoint: "account/signing/initiateRequest",
        },
    ],
    steps_title: "運作方式",
    steps: [
        "註冊並建立沙盒：您會獲得用戶端編號、密碼及密鑰對。",
        "將您的整合指向沙盒的基礎網址，而非智方便測試環境。",
        "在虛擬智方便手機上以其中一個情境角色批准請求。",
        "在檢視器中查看每一個請求，然後附上證據申請批核。",
    ],
    guides_title: "指南",
    guides: [
        "入門：五分鐘完成首次登入",
        "封套：簽署、隨機數及內容加密",
        "登入、填表及簽署流程",
        "角色、時間旅行及故障注入",
        "由沙盒轉往真正的測試環境",
    ],
    back_home: "返回主頁",
    sign_in_title: "登入",
    sign_up_title: "註冊",
    not_found_title: "找不到頁面",
    not_found_body: "此網址沒有頁面。",
    footer: "智方便沙盒——使用合成身份的獨立開發者沙盒，與智方便服務並無關連；切勿輸入真實個人資料。",
    console: ConsoleText {
        nav_console: "控制台",
        email: "電郵地址",
        display_name: "你的名字",
        password: "密碼",
        password_hint: "最少 10 個字元。",
        sign_up_button: "建立帳戶",
        sign_in_button: "登入",
        sign_out_button: "登出",
        have_account: "已有帳戶？登入",
        no_account: "新用戶？建立帳戶",
        synthetic_only: "沙盒只使用合成身分，切勿輸入真實個人資料。",
        console_title: "開發者控制台",
        signed_in_as: "已登入：",
        sign_in_needed: "請登入以查看你的機構和沙盒。",
        organisations: "機構",
        no_organisations: "你尚未加入任何機構。建立機構即可取得沙盒。",
        new_organisation: "新機構",
        organisation_name: "機構名稱",
        create_organisation: "建立機構",
        your_roles: "你的角色",
        role_creator: "建立者",
        role_approver: "審批者",
        sandboxes: "沙盒",
        no_sandboxes: "尚未有沙盒。",
        sandbox_name: "沙盒名稱",
        create_sandbox: "建立沙盒",
        client_id: "客戶端編號",
        client_secret: "客戶端密鑰",
        rp_private_key: "依賴方加密私鑰（PEM）",
        shown_once: "請立即複製：密鑰和私鑰只會顯示一次。",
        open_phone: "虛擬手機",
        reset_sandbox: "重設狀態",
        delete_sandbox: "刪除",
        loading: "載入中……",
        scopes: "已批准的範圍",
        redirect_uris: "重新導向網址（每行一個，須完全相符）",
        protocol_mode: "協定模式",
        strict: "嚴格（與真實服務相同）",
        lenient: "寬鬆（亦接受常見的用戶端錯誤）",
        code_lifetime: "授權碼有效時間（秒）",
        auto_responder: "自動回應",
        none: "無（在虛擬手機回應）",
        save: "儲存設定",
        time_offset: "沙盒時鐘比真實時間快（分鐘）",
        travel: "時間旅行",
        rotate_secret: "更換客戶端密鑰",
        requests_title: "請求（即時）",
        faults_title: "故障注入",
        no_faults: "未有注入故障：所有請求都會送達沙盒。",
        fault_path: "API",
        fault_code: "回應代碼",
        fault_count: "之後 N 個請求",
        fault_delay: "額外延遲（毫秒）",
        delay_only: "不回應錯誤（只延遲）",
        inject: "注入故障",
        clear_faults: "清除所有故障",
        no_requests: "尚未有請求。以此沙盒的客戶端編號呼叫 API，請求便會在此顯示。",
        personas_link: "測試身分：建立、修改、匯入及匯出",
    },
};

static ZH_CN: Text = Text {
    product_name: "智方便沙盒",
    nav_home: "首页",
    nav_guides: "指南",
    nav_sign_in: "登录",
    nav_sign_up: "注册",
    language_label: "语言",
    hero_title: "几分钟完成智方便集成，无需再等几周",
    hero_lead: "自助沙盒忠实模拟「智方便」服务提供方接口——登录、「填表通」及数字签名——全部使用合成身份，并在浏览器中\
                提供虚拟智方便手机。在这里可行的代码，只需更改基础网址、凭证及密钥对，即可连接真正的测试环境。",
    hero_primary: "创建沙盒",
    hero_secondary: "阅读指南",
    synthetic_notice: "只使用合成身份：沙盒绝不索取、存储或接受真实个人资料。",
    audiences_title: "适合谁使用",
    audiences: [
        Audience {
            title: "金融科技开发人员",
            body: "一键获取凭证，并提供请求查看器、情境角色、故障注入及时间旅行，以及可供您的持续集成直接调用、无需浏览器的接口。",
        },
        Audience {
            title: "大湾区服务提供方",
            body: "门户网站、指南及代理页面提供英文、繁体及简体中文，更有跨境生活或工作的角色。",
        },
        Audience {
            title: "政府审批人员",
            body: "合作伙伴的申请附有沙盒收集的证据：已通过的流程、所索取的字段及合规报告，并设有制作人／审核人决定及审计记录。",
        },
    ],
    flows_title: "三大流程",
    flows: [
        Flow {
            title: "登录",
            body: "桌面显示二维码，移动设备以应用链接打开，再以授权码换取令牌——采用与真实接口相同的签名及加密封套。",
            endpoint: "auth/getQR · auth/getToken",
        },
        Flow {
            title: "「填表通」",
            body: "以角色的「填表通」资料预填表格，逐项取得同意，支持已登录及匿名模式。",
            endpoint: "account/eme/initiateRequest",
        },
        Flow {
            title: "数字签名",
            body: "由沙盒认证机构签发的真实 X.509 证书进行哈希及 PDF 签名，可用标准工具验证。",
            endpoint: "account/signing/initiateRequest",
        },
    ],
    steps_title: "运作方式",
    steps: [
        "注册并创建沙盒：您会获得客户端编号、密钥及密钥对。",
        "将您的集成指向沙盒的基础网址，而非智方便测试环境。",
        "在虚拟智方便手机上以其中一个情境角色批准请求。",
        "在查看器中查看每一个请求，然后附上证据申请批准。",
    ],
    guides_title: "指南",
    guides: [
        "入门：五分钟完成首次登录",
        "封套：签名、随机数及内容加密",
        "登录、填表及签名流程",
        "角色、时间旅行及故障注入",
        "由沙盒转往真正的测试环境",
    ],
    back_home: "返回首页",
    sign_in_title: "登录",
    sign_up_title: "注册",
    not_found_title: "找不到页面",
    not_found_body: "此网址没有页面。",
    footer: "智方便沙盒——使用合成身份的独立开发者沙盒，与智方便服务并无关联；切勿输入真实个人资料。",
    console: ConsoleText {
        nav_console: "控制台",
        email: "电邮地址",
        display_name: "你的名字",
        password: "密码",
        password_hint: "最少 10 个字符。",
        sign_up_button: "创建账户",
        sign_in_button: "登录",
        sign_out_button: "退出",
        have_account: "已有账户？登录",
        no_account: "新用户？创建账户",
        synthetic_only: "沙盒只使用合成身份，切勿输入真实个人资料。",
        console_title: "开发者控制台",
        signed_in_as: "已登录：",
        sign_in_needed: "请登录以查看你的机构和沙盒。",
        organisations: "机构",
        no_organisations: "你尚未加入任何机构。创建机构即可取得沙盒。",
        new_organisation: "新机构",
        organisation_name: "机构名称",
        create_organisation: "创建机构",
        your_roles: "你的角色",
        role_creator: "创建者",
        role_approver: "审批者",
        sandboxes: "沙盒",
        no_sandboxes: "尚未有沙盒。",
        sandbox_name: "沙盒名称",
        create_sandbox: "创建沙盒",
        client_id: "客户端编号",
        client_secret: "客户端密钥",
        rp_private_key: "依赖方加密私钥（PEM）",
        shown_once: "请立即复制：密钥和私钥只会显示一次。",
        open_phone: "虚拟手机",
        reset_sandbox: "重置状态",
        delete_sandbox: "删除",
        loading: "加载中……",
        scopes: "已批准的范围",
        redirect_uris: "重定向网址（每行一个，须完全相符）",
        protocol_mode: "协议模式",
        strict: "严格（与真实服务相同）",
        lenient: "宽松（亦接受常见的客户端错误）",
        code_lifetime: "授权码有效时间（秒）",
        auto_responder: "自动回应",
        none: "无（在虚拟手机回应）",
        save: "保存设置",
        time_offset: "沙盒时钟比真实时间快（分钟）",
        travel: "时间旅行",
        rotate_secret: "更换客户端密钥",
        requests_title: "请求（实时）",
        faults_title: "故障注入",
        no_faults: "未有注入故障：所有请求都会送达沙盒。",
        fault_path: "API",
        fault_code: "回应代码",
        fault_count: "之后 N 个请求",
        fault_delay: "额外延迟（毫秒）",
        delay_only: "不回应错误（只延迟）",
        inject: "注入故障",
        clear_faults: "清除所有故障",
        no_requests: "尚未有请求。以此沙盒的客户端编号调用 API，请求便会在此显示。",
        personas_link: "测试身份：创建、修改、导入及导出",
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
    }

    #[test]
    fn iam_smart_and_browser_tags_map_to_the_right_language() {
        assert_eq!(Lang::from_tag("en-US"), Some(Lang::En));
        assert_eq!(Lang::from_tag("zh-hant-HK"), Some(Lang::ZhHk));
        assert_eq!(Lang::from_tag("zh_CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_tag("fr"), None);
    }

    #[test]
    fn accept_language_picks_the_first_supported_entry() {
        assert_eq!(
            Lang::from_accept_language("fr-FR,zh-CN;q=0.9,en;q=0.8"),
            Some(Lang::ZhCn)
        );
        assert_eq!(Lang::from_accept_language("de, fr"), None);
    }

    #[test]
    fn every_language_has_its_own_hero_text() {
        let heroes: Vec<_> = Lang::ALL.iter().map(|l| l.text().hero_title).collect();
        assert_ne!(heroes[0], heroes[1]);
        assert_ne!(heroes[1], heroes[2]);
        assert_ne!(heroes[0], heroes[2]);
    }
}
