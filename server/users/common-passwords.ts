/**
 * Passwords that attackers try first: the most common entries of public breach corpora (RockYou, the
 * yearly "worst passwords" lists) plus keyboard walks and their obvious variants. NIST SP 800-63B asks
 * verifiers to refuse these. A module rather than a .txt file so the server bundle carries it.
 * Entries are compared in lower case; anything shorter than 8 characters is refused by length anyway,
 * so the short ones are here for the record and for a future lower minimum.
 */
const LIST = `
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon
123123 baseball abc123 football monkey letmein 696969 shadow master 666666
qwertyuiop 123321 mustang 1234567890 michael 654321 superman 1qaz2wsx 7777777 121212
000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh hunter
buster soccer harley batman andrew tigger sunshine iloveyou 2000 charlie
robert thomas hockey ranger daniel starwars klaster 112233 george computer
michelle jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777
pass maggie 159753 aaaaaa ginger princess joshua cheese amanda summer
love ashley nicole chelsea biteme matthew access yankees 987654321 dallas
austin thunder taylor matrix william corvette hello martin heather secret
merlin diamond 1234qwer gfhjkm hammer silver 222222 88888888 anthony justin
test bailey q1w2e3r4t5 patrick internet scooter orange 11111 golfer cookie
richard samantha bigdog guitar jackson whatever mickey chicken sparky snoopy
maverick phoenix camaro peanut morgan welcome falcon cowboy ferrari samsung
andrea smokey steelers joseph mercedes dakota arsenal eagles melissa boomer
booboo spider nascar monster tigers yellow xxxxxx 123123123 gateway marina
diablo bulldog qwer1234 compaq purple hardcore banana junior hannah 123654
porsche lakers iceman money cowboys 987654 london tennis 999999 ncc1701
coffee scooby 0000 miller boston q1w2e3r4 brandon yamaha chester mother
forever johnny edward 333333 oliver redsox player nikita knight fender
barney midnight please brandy chicago badboy slayer rangers charles angel
flower rabbit wizard jasper enter rachel chris steven winner adidas
victoria natasha 1q2w3e4r jasmine winter prince marine ghbdtn fishing
cocacola casper james 232323 raiders 888888 marlboro gandalf asdfasdf crystal
87654321 12344321 golden 8675309 panther lauren angela thx1138 angels madison
winston shannon mike toyota jordan23 canada sophie apples tiger
razz 123abc pokemon qazxsw 55555 qwaszx muffin johnson murphy cooper jonathan
liverpoo david danielle 159357 jackie 1990 123456a 789456 turtle abcd1234
scorpion qazwsxedc 101010 butter carlos password1 dennis slipknot qwerty123
booger asdf 1991 black startrek 12341234 cameron newyork rainbow nathan john
1992 rocket viking redskins asdfghjkl 1212 sierra peaches gemini doctor
wilson sandra helpme qwertyui victor florida dolphin pookie captain tucker
blue liverpool theman bandit dolphins maddog packers jaguar lovers nicholas
united tiffany maxwell zzzzzz nirvana jeremy stupid monica elephant
giants hotdog rosebud success debbie mountain 444444 xxxxxxxx warrior
1q2w3e4r5t q1w2e3 123456q albert metallic lucky azerty 7777 shithead alex
bond007 alexis 1111111 samson 5150 willie scorpio bonnie gators benjamin
voodoo driver dexter 2112 jason calvin freddy 212121 creative 12345a sydney
rush2112 1989 asdfghjk red123 bubba 4815162342 passw0rd trouble gunner happy
gordon legend jessie stella qwert eminem arthur apple nissan bullshit bear
america 1qazxsw2 nothing parker 4444 rebecca qweqwe garfield 01012011 beavis
69696969 jack asdasd december 2222 102030 252525 11223344 magic apollo skippy
315475 kitten golf copper braves shelby godzilla beaver fred tomcat
august buddy airborne 1993 1988 lifehack qqqqqq brooklyn animal platinum
phantom online xavier darkness blink182 power fish green 789456123 voyager
police travis 12qwaszx heaven snowball lover abcdef 00000 pakistan 007007
walter playboy blazer cricket sniper hooters donkey willow loveme saturn
therock redwings bigboy pumpkin trinity williams nintendo digital
destiny topgun runner marvin guinness chance bubbles testing fire november
minecraft asdf1234 lasvegas sergey broncos cartman private celtic birdie
little cassie babygirl donald beatles 1313 dickhead family 12121212 school
louise gabriel eclipse fluffy 147258369 lol123 explorer beer nelson flyers
spencer scott lovely gibson doggie cherry andrey snickers buffalo pantera
metallica member carter qwertyu peter alexande steve bronco paradise goober
5555 samuel montana mexico dreams michigan carolina friends magnum
surfer poohbear 123456789a 1q2w3e 1qaz2wsx3edc abc12345 admin admin123
administrator changeme default guest iloveyou1 letmein1 login master123
p@ssw0rd p@ssword pa55word pa55w0rd passw0rd1 password12 password123
password1234 qwerty1 qwerty12 qwerty1234 root secret123 superman1 test123
test1234 trustno11 welcome1 welcome123 zaq12wsx zaq1zaq1 qazwsx123 1q2w3e4r5t6y
123qweasd qweasdzxc 1234554321 0987654321 11112222 12301230 147852369 a1b2c3d4
aa123456 iloveyou2 football1 baseball1 princess1 sunshine1 monkey123 dragon123
letmein123 welcome2024 welcome2025 welcome2026 password2024 password2025
password2026 spring2026 summer2026 autumn2026 winter2026 january2026
company123 office123 changeme123 temp1234 temporary abcdefgh 00000000
12345678910 chocolate butterfly elizabeth basketball keyboard security iloveyou! password!
qwerty123! football123 superman123 starwars1 whatever1 baseball123 computer1 internet1
trustno1! monkey12 shadow123 master12 killer123 jordan123 hello123 charlie1 michael1
jennifer1 jessica1 ashley123 sunshine123 princess123 mustang1 dragon12 freedom1 secret12
summer123 winter123 hockey123 soccer123 purple123 flower123 pokemon123 naruto123 spiderman
batman123 starwars123 minecraft1 fortnite roblox123 youtube123 facebook linkedin google123
microsoft windows10 apple123 iphone123 samsung123 keyway123 keyway2026
`;

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  LIST.split(/\s+/)
    .filter((entry) => entry !== '')
    .map((entry) => entry.toLowerCase()),
);
